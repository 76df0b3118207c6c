"""The Atlas of Economic Complexity's measures on a place-by-product export matrix.

A pure engine: numpy arrays in, numpy arrays out. Rows are places (countries, regions,
bases), columns products. The definitions are the Atlas's and the arithmetic is the Growth
Lab's ``ecomplexity`` package's (0.5.3), which the tests check it against to 1e-9:

- RCA (Balassa): ``x_cp / x_c`` over ``x_p / x``; ``M = RCA >= 1``.
- diversity and ubiquity: M's row and column sums.
- PCI: the eigenvector of the second-largest eigenvalue of the product-product matrix
  ``M~_pp' = sum_c M_cp M_cp' / (k_c k_p)``; ECI: ``k_c^-1 sum_p M_cp PCI_p`` (a place's mean
  raw PCI); both signed so that ECI correlates positively with diversity, then standardised
  with ECI's mean and population standard deviation.
- proximity: ``phi_pp' = sum_c M_cp M_cp' / max(k_p, k_p')``.
- density: ``sum_p' M_cp' phi_pp' / sum_p' phi_pp'``; distance ``1 - density``.
- complexity outlook index (COI) and outlook gain (COG), as the package computes them, and
  the products a place is closest to adding (highest density among those it lacks).

Where this engine differs from the package (documented in docs/analytics.md): the
eigenvector is taken from the symmetric form of the product-product matrix (``eigh``,
real eigenvalues, same eigenvector up to scale), and a place or product left out for
diversity or ubiquity 0 is NaN without making every other ECI NaN.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

EIGEN_TOLERANCE = 1e-10
"""Below this gap the second eigenvalue is not separated and the ECI is not unique."""


@dataclass(frozen=True)
class Complexity:
    """The measures of one year's matrix; arrays index places (rows) and products (columns)."""

    rca: FloatArray
    """Balassa RCA, places x products."""
    presence: IntArray
    """M: 1 where RCA >= the threshold, else 0."""
    diversity: IntArray
    ubiquity: IntArray
    eci: FloatArray
    """Standardised ECI; NaN for a place of diversity 0 or when the ECI is undefined."""
    pci: FloatArray
    """PCI standardised with ECI's mean and standard deviation; NaN where undefined."""
    pci_raw: FloatArray
    """The signed eigenvector before standardisation (what the outlook measures use)."""
    eci_raw_std: float
    """The population standard deviation of the raw ECI, the scale of both indices."""
    eigenvalue: float
    """The second-largest eigenvalue of the product-product matrix."""
    eigen_gap: float
    """Its distance to the nearest other eigenvalue: near 0, the ECI is not unique."""

    @property
    def unique(self) -> bool:
        """Whether the ECI is well defined (the second eigenvalue is a simple one)."""
        return self.eigen_gap > EIGEN_TOLERANCE


def revealed_comparative_advantage(exports: FloatArray) -> FloatArray:
    """Balassa's RCA of every place and product; 0 where the place or product exports nothing.

    Same operation order as ``ecomplexity`` so that a value at the threshold rounds alike.
    """
    x = np.asarray(exports, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = x / np.nansum(x, axis=1)[:, np.newaxis]
        product_total = np.nansum(x, axis=0)[np.newaxis, :]
        world_share = product_total / np.nansum(product_total, axis=1)[:, np.newaxis]
        rca: FloatArray = share / world_share
    return np.nan_to_num(rca, nan=0.0, posinf=0.0, neginf=0.0)


def presence(rca: FloatArray, threshold: float = 1.0) -> IntArray:
    """M: 1 where a place has a revealed comparative advantage (RCA >= threshold)."""
    return np.where(np.nan_to_num(rca) >= threshold, 1, 0).astype(np.int64)


def herfindahl(by_partner: FloatArray) -> FloatArray:
    """Herfindahl-Hirschman index (0-1) of each row's values: sum of squared shares.

    ``by_partner`` is places x partners; a place with no exports gets NaN.
    """
    x = np.asarray(by_partner, dtype=np.float64)
    total = x.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = x / total[:, np.newaxis]
        result: FloatArray = (shares**2).sum(axis=1)
    result[total <= 0] = np.nan
    return result


def _second_eigenvector(m: FloatArray, diversity: FloatArray,
                        ubiquity: FloatArray) -> tuple[FloatArray, float, float]:
    """kp of ``M~_pp'`` for its second-largest eigenvalue, with that value and its gap.

    ``M~_pp = D_p^-1 M^T D_c^-1 M`` and ``M~_cc = D_c^-1 M D_p^-1 M^T`` share their non-zero
    eigenvalues, and ``kp = D_p^-1 M^T kc`` for an eigenvector kc of ``M~_cc``, so the
    smaller of the two is decomposed (a few hundred countries, not thousands of products).
    Each is similar to a symmetric matrix (``D^1/2 M~ D^-1/2``), whose ``eigh`` gives real
    eigenvalues; eigenvectors are found up to scale, which the standardisation removes.
    """
    places = m.shape[0] <= m.shape[1]
    left, inner, outer = (m, ubiquity, diversity) if places else (m.T, diversity, ubiquity)
    weighted = left / np.sqrt(outer)[:, np.newaxis]
    a = (weighted / inner[np.newaxis, :]) @ weighted.T
    values, vectors = np.linalg.eigh((a + a.T) / 2)
    if len(values) < 2:
        return np.full(m.shape[1], np.nan), float("nan"), 0.0
    second = float(values[-2])
    gaps = [values[-1] - values[-2]]
    if len(values) > 2:
        gaps.append(values[-2] - values[-3])
    vector: FloatArray = vectors[:, -2] / np.sqrt(outer)
    if places:
        vector = (m / ubiquity[np.newaxis, :]).T @ vector
    return vector, second, float(min(gaps))


def economic_complexity(exports: FloatArray, threshold: float = 1.0) -> Complexity:
    """RCA, M, diversity, ubiquity, ECI and PCI of a places x products export matrix."""
    rca = revealed_comparative_advantage(exports)
    m = presence(rca, threshold)
    diversity = m.sum(axis=1)
    ubiquity = m.sum(axis=0)
    places = diversity > 0
    products = ubiquity > 0
    eci = np.full(m.shape[0], np.nan)
    pci = np.full(m.shape[1], np.nan)
    pci_raw = np.full(m.shape[1], np.nan)
    eigenvalue, gap, std = float("nan"), 0.0, float("nan")
    if places.sum() >= 2 and products.sum() >= 2:
        valid = m[places][:, products].astype(np.float64)
        div, ubi = diversity[places].astype(np.float64), ubiquity[products].astype(np.float64)
        kp, eigenvalue, gap = _second_eigenvector(valid, div, ubi)
        kc = (valid / div[:, np.newaxis]) @ kp
        with np.errstate(invalid="ignore", divide="ignore"):
            sign = np.sign(np.corrcoef(div, kc)[0, 1])
            signed_kc, signed_kp = sign * kc, sign * kp
            mean, std = float(signed_kc.mean()), float(signed_kc.std())
            eci[places] = (signed_kc - mean) / std
            pci[products] = (signed_kp - mean) / std
            pci_raw[products] = signed_kp
    return Complexity(rca=rca, presence=m, diversity=diversity, ubiquity=ubiquity, eci=eci,
                      pci=pci, pci_raw=pci_raw, eci_raw_std=std, eigenvalue=eigenvalue,
                      eigen_gap=gap)


def proximity(m: IntArray) -> FloatArray:
    """Product proximity: the lesser of the two conditional probabilities of co-export.

    ``phi_pp' = sum_c M_cp M_cp' / max(k_p, k_p')``; 1 on the diagonal of exported products.
    """
    mf = np.asarray(m, dtype=np.float64)
    together = mf.T @ mf
    ubiquity = mf.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        conditional = together / ubiquity[np.newaxis, :]
        phi: FloatArray = np.minimum(conditional, conditional.T)
    return np.nan_to_num(phi)


def density(m: IntArray, phi: FloatArray) -> FloatArray:
    """How close each place is to each product: the share of the product's proximity
    that leads to products the place already exports (places x products)."""
    total = phi.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        weights = phi.T / total[np.newaxis, :]
    result: FloatArray = np.asarray(m, dtype=np.float64) @ np.nan_to_num(weights)
    return result


def distance(m: IntArray, phi: FloatArray) -> FloatArray:
    """The Atlas's distance: ``1 - density``, the proximity to products not exported."""
    result: FloatArray = 1.0 - density(m, phi)
    return result


def complexity_outlook(result: Complexity, phi: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Complexity outlook index per place (standardised) and outlook gain per place and
    product, exactly as ``ecomplexity`` computes them: on the signed raw PCI,
    ``COI_c = sum_p (1 - M_cp) d_cp PCI_p`` and
    ``COG_cp = (1 - M_cp) sum_p' (1 - M_cp') phi_p'p PCI_p' / sum_p'' phi_p'p''``, divided by
    ECI's raw standard deviation.
    """
    m = result.presence.astype(np.float64)
    near = density(result.presence, phi)
    pci = np.nan_to_num(result.pci_raw)
    coi = ((near * (1 - m)) * pci).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.nan_to_num(phi * (pci / phi.sum(axis=1))[:, np.newaxis])
        cog: FloatArray = (1 - m) * ((1 - m) @ spread) / result.eci_raw_std
        coi_std: FloatArray = (coi - coi.mean()) / coi.std()
    return coi_std, cog


@dataclass(frozen=True)
class Opportunity:
    """A product a place does not export with an advantage yet, and how near it is."""

    product: int
    """Column index of the product."""
    density: float
    distance: float
    pci: float
    gain: float
    """Its complexity outlook gain: how much it would open up."""


def closest_products(result: Complexity, phi: FloatArray, place: int,
                     limit: int = 10) -> list[Opportunity]:
    """The products ``place`` is closest to adding: not yet M = 1, highest density first
    (ties by higher PCI, then column), as the Atlas's "nearby products"."""
    near = density(result.presence, phi)[place]
    _, cog = complexity_outlook(result, phi)
    candidates = np.flatnonzero((result.presence[place] == 0) & (result.ubiquity > 0))
    pci = np.nan_to_num(result.pci, nan=-np.inf)
    order = sorted(candidates.tolist(), key=lambda p: (-near[p], -pci[p], p))
    return [Opportunity(product=p, density=float(near[p]), distance=float(1 - near[p]),
                        pci=float(result.pci[p]), gain=float(cog[place, p]))
            for p in order[:limit]]
