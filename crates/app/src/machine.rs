//! What the machine gives this process.

use sysinfo::{MemoryRefreshKind, System};

/// The memory assumed where the machine's cannot be read: a machine of the kind Arsenal is
/// sized for, 24 GiB.
const ASSUMED_MEMORY: u64 = 24 << 30;

/// The bytes of memory this process may use: the machine's, or its control group's limit (a
/// container's, say) when that is lower; `ASSUMED_MEMORY` where neither can be read.
pub(crate) fn memory() -> u64 {
    let Ok(mut system) = System::new() else { return ASSUMED_MEMORY };
    system.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
    let total = system.total_memory();
    let limit = system.cgroup_limits().map_or(u64::MAX, |limits| limits.total_memory);
    match total.min(limit) {
        0 => ASSUMED_MEMORY,
        memory => memory,
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    /// The memory found is the kernel's `MemTotal` (in kB), or the control group's limit (`memory.max`,
    /// or `memory.limit_in_bytes` under version 1) when that is lower: read here from the files themselves.
    #[test]
    fn the_memory_is_the_machines_or_its_control_groups() {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
        let total: u64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kb| kb.trim().parse().ok())
            .unwrap();
        let limit = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"]
            .iter()
            .filter_map(|file| std::fs::read_to_string(file).ok()?.trim().parse::<u64>().ok())
            .min()
            .unwrap_or(u64::MAX);
        assert_eq!(super::memory(), (total * 1024).min(limit));
    }
}
