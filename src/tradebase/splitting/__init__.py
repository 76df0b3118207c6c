"""A buyer's request split over several enterprises: docking's matches handed to capacity
docking's solver, above both packages.

``eligibility`` (pure) says which listings are the product the buyer asked for, ``objectives``
(pure) splits the order by price, by fewest factories or by capacity, and ``service`` joins the
request, its matches and quotes, and sends one enquiry per share.
"""
