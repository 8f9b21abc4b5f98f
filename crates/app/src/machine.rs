//! What the machine gives this process.

use sysinfo::{MemoryRefreshKind, ProcessRefreshKind, ProcessesToUpdate, System};

/// The memory assumed where the machine's cannot be read: a machine of the kind Arsenal is
/// sized for, 24 GiB.
const ASSUMED_MEMORY: u64 = 24 << 30;

/// What this process may use: the machine's memory, or the limit of its control group (or of
/// one the group is in: a container's, a service's `MemoryMax`) when that is lower,
/// `ASSUMED_MEMORY` where the machine's cannot be read; and what it holds already, resident (the
/// network, its graph, a server's twin, a plan's model), 0 where that cannot be read. A plan's
/// program may take what is left.
pub(crate) fn usage() -> Memory {
    let Ok(mut system) = System::new() else { return Memory { limit: ASSUMED_MEMORY, held: 0 } };
    system.refresh_memory_specifics(MemoryRefreshKind::nothing().with_ram());
    let pid = sysinfo::get_current_pid().ok();
    if let Some(pid) = pid {
        let kind = ProcessRefreshKind::nothing().with_memory();
        system.refresh_processes_specifics(ProcessesToUpdate::Some(&[pid]), false, kind);
    }
    let this = pid.and_then(|pid| system.process(pid));
    let group = this.and_then(sysinfo::Process::cgroup_limits);
    let limit = match system.total_memory().min(group.map_or(u64::MAX, |g| g.total_memory)) {
        0 => ASSUMED_MEMORY,
        memory => memory,
    };
    Memory { limit, held: this.map_or(0, sysinfo::Process::memory) }
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
        assert_eq!(super::usage().limit, (total * 1024).min(limit));
    }

    /// What the process holds grows by what it takes: 512 MiB written to (less 64 MiB for what
    /// other tests may free meanwhile).
    #[test]
    fn what_the_process_holds_grows_with_what_it_takes() {
        let before = super::usage();
        let taken = vec![1u8; 512 << 20];
        let after = super::usage();
        assert!(after.held >= before.held + (448 << 20), "{before:?} then {after:?}");
        assert_eq!((after.limit, after.left()), (before.limit, after.limit - after.held));
        drop(taken);
    }
}
