"""The register: regions, industries, HS product categories, bases, enterprises, catalogs,
designations, key lists and indicator facts."""
