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

/// Bytes that are not UTF-8 are located by line and column, whichever line endings the file has.
#[test]
fn invalid_utf8_is_located_with_any_line_endings() {
    for ending in ["\n", "\r\n", "\r"] {
        let bytes = format!("id,name{ending}a,b{ending}c,d").into_bytes();
        let bytes = [bytes.as_slice(), b"\xFF"].concat();
        let finding = super::decode(bytes, "f.csv").unwrap_err();
        let byte = 13 + 2 * ending.len();
        let expected = format!(
            "error: f.csv:3: not valid UTF-8 at column 4 (byte {byte}); save the file as UTF-8"
        );
        assert_eq!(finding.to_string(), expected, "{ending:?}");
    }
}

/// A temporary file that cannot be made names the directory and the system's reason, not the
/// file's random name or only the kind of error ("entity not found").
#[test]
fn a_directory_that_cannot_be_written_is_named_with_the_reason() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone");
    let said = super::temporary_in(&gone, ".svg").unwrap_err().to_string();
    assert_eq!(
        said,
        format!("cannot write in {}: No such file or directory (os error 2)", gone.display())
    );
}
