//! What the machine gives this process.

use sysinfo::{MemoryRefreshKind, ProcessRefreshKind, ProcessesToUpdate, System};

/// The memory assumed where the machine's cannot be read: a machine of the kind Arsenal is
/// sized for, 24 GiB.
const ASSUMED_MEMORY: u64 = 24 << 30;

/// The bytes of memory this process may use: the machine's, or the limit of its control group
/// (or of one the group is in: a container's, a service's `MemoryMax`) when that is lower;
/// `ASSUMED_MEMORY` where the machine's cannot be read.
pub(crate) fn memory() -> u64 {
    let Ok(mut system) = System::new() else { return ASSUMED_MEMORY };
    system.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
    let total = system.total_memory();
    let limit = sysinfo::get_current_pid().ok().and_then(|pid| {
        let this = ProcessesToUpdate::Some(&[pid]);
        system.refresh_processes_specifics(this, false, ProcessRefreshKind::nothing());
        system.process(pid)?.cgroup_limits()
    });
    match total.min(limit.map_or(u64::MAX, |limits| limits.total_memory)) {
        0 => ASSUMED_MEMORY,
        memory => memory,
    }
}

/// The bytes of memory this process holds now (resident), or 0 where that cannot be read.
pub(crate) fn held() -> u64 {
    let (Ok(mut system), Ok(pid)) = (System::new(), sysinfo::get_current_pid()) else { return 0 };
    let this = ProcessesToUpdate::Some(&[pid]);
    system.refresh_processes_specifics(this, false, ProcessRefreshKind::nothing().with_memory());
    system.process(pid).map_or(0, sysinfo::Process::memory)
}

/// What this process may use (`memory`) and what it holds already (`held`: the network, its
/// graph, a server's twin, a plan's model); a plan's program may take what is left.
pub(crate) fn usage() -> Memory {
    Memory { limit: memory(), held: held() }
}

/// What this process may use and what it holds.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Memory {
    pub(crate) limit: u64,
    pub(crate) held: u64,
}

impl Memory {
    /// What is left.
    pub(crate) fn left(self) -> u64 {
        self.limit.saturating_sub(self.held)
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::path::Path;

    /// The memory found is the kernel's `MemTotal` (in kB), or the lowest limit of this process's
    /// control group and the groups it is in when that is lower (`memory.max`, or
    /// `memory.limit_in_bytes` under version 1): read here from the files themselves.
    #[test]
    fn the_memory_is_the_machines_or_its_control_groups() {
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap();
        let total: u64 = meminfo
            .lines()
            .find_map(|line| line.strip_prefix("MemTotal:"))
            .and_then(|rest| rest.trim().strip_suffix("kB"))
            .and_then(|kb| kb.trim().parse().ok())
            .unwrap();
        let groups = std::fs::read_to_string("/proc/self/cgroup").unwrap();
        // Version 1 names the memory controller; version 2 has one group for all, `0::`.
        let (root, file, group) = match groups.lines().find_map(|l| l.split_once(":memory:")) {
            Some((_, group)) => ("/sys/fs/cgroup/memory", "memory.limit_in_bytes", group),
            None => {
                let group = groups.lines().find_map(|l| l.strip_prefix("0::")).unwrap();
                ("/sys/fs/cgroup", "memory.max", group)
            }
        };
        let limit = Path::new(group)
            .ancestors()
            .filter_map(|dir| {
                let dir = Path::new(root).join(dir.strip_prefix("/").ok()?);
                std::fs::read_to_string(dir.join(file)).ok()?.trim().parse::<u64>().ok()
            })
            .min()
            .unwrap_or(u64::MAX);
        assert_eq!(super::memory(), (total * 1024).min(limit));
    }

    /// What the process holds grows by what it takes: 512 MiB written to (less 64 MiB for what
    /// other tests may free meanwhile).
    #[test]
    fn what_the_process_holds_grows_with_what_it_takes() {
        let before = super::held();
        let taken = vec![1u8; 512 << 20];
        let after = super::held();
        assert!(after >= before + (448 << 20), "{before} then {after}");
        let memory = super::usage();
        assert_eq!(memory.left(), memory.limit - memory.held);
        assert!(memory.held >= 448 << 20 && memory.limit == super::memory(), "{memory:?}");
        drop(taken);
    }
}
