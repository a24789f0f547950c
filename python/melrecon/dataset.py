"""A melrecon dataset folder (written by `melrecon simulate` / `convert`) as a sequence of cases."""

from . import _core


class Dataset:
    """Cases of a dataset folder: `len(ds)`, `ds[i]` -> {'kspace': [B, C, *S], 'maps',
    'reference', 'mask'} (None where the case has none), `ds.kind` ('2d' | '3d' | 'cine'),
    `ds.cases` (names), `ds.fft_axes` (spatial axes the FFT runs over)."""

    def __init__(self, path):
        info = _core.read_dataset_info(str(path))
        self.path = str(path)
        self.kind = info["kind"]
        self.cases = info["cases"]
        self.fft_axes = info["fft_axes"]
        self.info = info["extra"]

    def __len__(self):
        return len(self.cases)

    def __getitem__(self, index):
        if not -len(self.cases) <= index < len(self.cases):
            raise IndexError(f"{self.path}: case {index} of {len(self.cases)}")
        return _core.read_case(self.path, self.cases[index], self.kind)

    def __repr__(self):
        return f"Dataset({self.path!r}, kind={self.kind!r}, cases={len(self.cases)})"
