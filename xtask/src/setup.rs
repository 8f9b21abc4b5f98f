//! The system packages the build needs beyond Rust: HiGHS (the LP solver) compiles its C++
//! sources with `cmake` and generates bindings with libclang. On a machine without them, this
//! installs them with apt when running as root, or says exactly what to install.

use anyhow::bail;
use xshell::{Shell, cmd};

/// Debian packages that provide the tools.
const PACKAGES: &[&str] = &["cmake", "libclang-dev"];

fn has_cmake(sh: &Shell) -> bool {
    cmd!(sh, "cmake --version").quiet().ignore_stdout().ignore_stderr().run().is_ok()
}

fn has_libclang() -> bool {
    let dirs =
        ["/usr/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/local/lib"];
    let llvm = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("llvm-"))
        .map(|e| e.path().join("lib"));
    dirs.iter().map(std::path::PathBuf::from).chain(llvm).any(|dir| {
        std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with("libclang"))
    })
}

/// Makes sure cmake and libclang are present, installing them with apt if possible.
pub(crate) fn native_dependencies(sh: &Shell) -> anyhow::Result<()> {
    if has_cmake(sh) && has_libclang() {
        return Ok(());
    }
    install(sh, PACKAGES, "building HiGHS needs cmake and libclang")?;
    if !(has_cmake(sh) && has_libclang()) {
        bail!("installed {} but cmake or libclang is still missing", PACKAGES.join(" "));
    }
    Ok(())
}

/// Makes sure `program` is on the PATH, installing Debian's `package` with apt if possible.
pub(crate) fn tool(sh: &Shell, program: &str, package: &str) -> anyhow::Result<()> {
    let present = || cmd!(sh, "which {program}").quiet().ignore_stdout().run().is_ok();
    if present() {
        return Ok(());
    }
    install(sh, &[package], &format!("this needs {program}"))?;
    if !present() {
        bail!("installed {package} but {program} is still missing");
    }
    Ok(())
}

/// Installs Debian packages when running as root with apt; otherwise says what to install.
fn install(sh: &Shell, packages: &[&str], why: &str) -> anyhow::Result<()> {
    let list = packages.join(" ");
    let root = cmd!(sh, "id -u").quiet().read().map(|id| id.trim() == "0").unwrap_or(false);
    let apt = cmd!(sh, "apt-get --version").quiet().ignore_stdout().ignore_stderr().run().is_ok();
    if !(root && apt) {
        bail!("{why}; install it first, e.g. `sudo apt-get install -y {list}`");
    }
    eprintln!("installing {list} ({why})");
    cmd!(sh, "apt-get update -qq").run()?;
    cmd!(sh, "apt-get install -y -qq {packages...}")
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()?;
    Ok(())
}
