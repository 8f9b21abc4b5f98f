//! Compressed sparse rows: for each of `n` rows, a contiguous slice of entries in one flat array.

/// Rows of entries stored back to back; row `i` is `entries[offsets[i]..offsets[i + 1]]`.
#[derive(Clone, Debug)]
pub struct Csr<T> {
    offsets: Vec<u32>,
    entries: Vec<T>,
}

impl<T: Copy> Csr<T> {
    /// Groups `(row, entry)` pairs by row, keeping the order of the pairs within each row.
    pub fn from_pairs(n_rows: usize, pairs: Vec<(u32, T)>) -> Csr<T> {
        let mut offsets = vec![0u32; n_rows + 1];
        for &(row, _) in &pairs {
            offsets[row as usize + 1] += 1;
        }
        for i in 0..n_rows {
            offsets[i + 1] += offsets[i];
        }
        let entries = if pairs.is_sorted_by_key(|&(row, _)| row) {
            pairs.into_iter().map(|(_, entry)| entry).collect()
        } else {
            // Every slot is written once below; the copy only sizes the array.
            let mut entries: Vec<T> = pairs.iter().map(|&(_, entry)| entry).collect();
            let mut next: Vec<u32> = offsets[..n_rows].to_vec();
            for &(row, entry) in &pairs {
                let slot = &mut next[row as usize];
                entries[*slot as usize] = entry;
                *slot += 1;
            }
            entries
        };
        Csr { offsets, entries }
    }
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
