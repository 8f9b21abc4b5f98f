//! Writing outputs.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// An output gets the permissions any new file gets in its directory (the umask's), not the
/// owner-only 0600 of the temporary file it is written through.
#[test]
fn outputs_get_the_permissions_of_a_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let written = dir.path().join("new/written");
    super::write_atomic(&written, |out| out.write_all(b"x")).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&written), mode(&plain));
}
