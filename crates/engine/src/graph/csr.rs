//! Compressed sparse rows: for each of `n` rows, a contiguous slice of entries in one flat array.

/// Rows of entries stored back to back; row `i` is `entries[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Csr<T> {
    offsets: Vec<u32>,
    entries: Vec<T>,
}

impl<T: Copy> Csr<T> {
    /// Groups `(row, entry)` pairs by row, keeping the order of the pairs within each row.
    pub fn from_pairs(n_rows: usize, pairs: Vec<(u32, T)>) -> Csr<T> {
        grouped(n_rows, pairs, |&(row, _)| row, |(_, entry)| entry)
    }

    /// Groups `entries` by the row `row` gives each, keeping their order within each row (without
    /// a list of pairs: when the entries say their own row, that list is a copy of them).
    pub fn by_row(n_rows: usize, entries: Vec<T>, row: impl Fn(&T) -> u32) -> Csr<T> {
        grouped(n_rows, entries, row, |entry| entry)
    }
}

/// The entries `entry` makes of `items`, grouped by the row `row` gives each item, in the order
/// of the items within each row.
fn grouped<S: Copy, T: Copy>(
    n_rows: usize,
    items: Vec<S>,
    row: impl Fn(&S) -> u32,
    entry: impl Fn(S) -> T,
) -> Csr<T> {
    let mut offsets = vec![0u32; n_rows + 1];
    for item in &items {
        offsets[row(item) as usize + 1] += 1;
    }
    for i in 0..n_rows {
        offsets[i + 1] += offsets[i];
    }
    let entries = if items.is_sorted_by_key(&row) {
        items.into_iter().map(entry).collect()
    } else {
        // Every slot is written once below; the copy only sizes the array.
        let mut entries: Vec<T> = items.iter().map(|&item| entry(item)).collect();
        let mut next: Vec<u32> = offsets[..n_rows].to_vec();
        for &item in &items {
            let slot = &mut next[row(&item) as usize];
            entries[*slot as usize] = entry(item);
            *slot += 1;
        }
        entries
    };
    Csr { offsets, entries }
}

impl<T> Csr<T> {
    /// The entries of one row.
    pub fn row(&self, row: u32) -> &[T] {
        let row = row as usize;
        &self.entries[self.offsets[row] as usize..self.offsets[row + 1] as usize]
    }

    /// The positions in `entries()` of one row's entries.
    pub fn range(&self, row: u32) -> std::ops::Range<usize> {
        self.offsets[row as usize] as usize..self.offsets[row as usize + 1] as usize
    }

    /// The number of rows.
    pub fn n_rows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Every entry of every row, row by row.
    pub fn entries(&self) -> &[T] {
        &self.entries
    }

    /// Every entry of every row, row by row, taken out.
    pub fn into_entries(self) -> Vec<T> {
        self.entries
    }
}
