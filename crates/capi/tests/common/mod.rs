//! What the C-program tests need around them: the C clients compiled against the system OpenSSL
//! headers, our `liboxissl_capi.so` presented as `libssl.so.3` in a directory of its own, runs
//! of a program on either library (with `LD_DEBUG` to see which one was loaded), `openssl
//! s_server` on 127.0.0.1 and small raw TCP servers that misbehave on purpose.
//!
//! Nothing waits without a bound: child programs run under `timeout(1)`, servers are killed
//! when dropped, and every wait for a server ends after `DEADLINE`.
#![allow(dead_code)]

use std::fmt;
use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// Every wait for a server ends by this.
pub const DEADLINE: Duration = Duration::from_secs(15);

/// Seconds a C program may run (`timeout(1)`); it is killed 5 seconds after that.
pub const PROGRAM_SECONDS: u32 = 60;

/// The crate directory (`crates/capi`).
pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the committed test PKI (`testdata/certs`, see `gen.sh` there), as an argument.
pub fn cert(name: &str) -> String {
    let path = manifest_dir().join("../../testdata/certs").join(name);
    assert!(path.exists(), "missing test certificate {}", path.display());
    path.to_string_lossy().into_owned()
}

/// A directory of this test binary's own under `CARGO_TARGET_TMPDIR`, made afresh once.
/// Those left by earlier runs whose process is gone are removed.
pub fn scratch() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        for entry in std::fs::read_dir(&tmp).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("oxissl-capi-c-") {
                if !Path::new("/proc").join(pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let dir = tmp.join(format!("oxissl-capi-c-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch directory");
        dir
    })
}

/// Compiles every `tests/c/*.c` once, as a program written for OpenSSL 3 would be built:
/// system headers, `-lssl -lcrypto`. Returns the directory holding the executables (named
/// after their source files).
pub fn programs() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let built = DIR.get_or_init(|| {
        let src = manifest_dir().join("tests/c");
        let out = scratch().join("bin");
        std::fs::create_dir_all(&out).map_err(|e| e.to_string())?;
        let mut sources: Vec<PathBuf> = std::fs::read_dir(&src)
            .map_err(|e| format!("{}: {e}", src.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "c"))
            .collect();
        sources.sort();
        let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
        for source in sources {
            let name = source.file_stem().unwrap().to_string_lossy().into_owned();
            let result = Command::new(&cc)
                .args([
                    "-std=c11",
                    "-D_DEFAULT_SOURCE",
                    "-Wall",
                    "-Wextra",
                    "-Werror",
                ])
                .args(["-O1", "-g", "-o"])
                .arg(out.join(&name))
                .arg(&source)
                .args(["-lssl", "-lcrypto"])
                .output()
                .map_err(|e| format!("cannot run {cc}: {e}"))?;
            if !result.status.success() {
                return Err(format!(
                    "{cc} failed on {}:\n{}",
                    source.display(),
                    String::from_utf8_lossy(&result.stderr)
                ));
            }
        }
        Ok(out)
    });
    match built {
        Ok(dir) => dir,
        Err(e) => panic!("the C test programs do not build: {e}"),
    }
}

/// The path of one compiled test program.
pub fn program(name: &str) -> PathBuf {
    let path = programs().join(name);
    assert!(path.exists(), "no C program {name} in tests/c");
    path
}

/// Our library as `libssl.so.3`, alone in a directory meant for `LD_LIBRARY_PATH`.
///
/// The cdylib is looked for where cargo put this test binary (`<target>/<profile>/`, which
/// honours `CARGO_TARGET_DIR`), after `cargo build -p oxissl-capi` into the same target
/// directory so it is never stale. The file is copied, so a rebuild while the tests run changes
/// nothing under them.
pub fn our_lib_dir() -> Result<&'static Path, String> {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    DIR.get_or_init(|| {
        let exe = std::env::current_exe().map_err(|e| e.to_string())?;
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .ok_or("test binary outside a target directory")?
            .to_path_buf();
        let so = profile_dir.join("liboxissl_capi.so");
        // Always asked for: `cargo test` refreshes the copy in deps/ but not this one, and an
        // up-to-date build costs a moment.
        build_our_lib(&profile_dir)?;
        if !so.exists() {
            return Err(format!(
                "{} does not exist: crates/capi does not build a cdylib yet",
                so.display()
            ));
        }
        let dir = scratch().join("oxissl-libssl");
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        std::fs::copy(&so, dir.join("libssl.so.3"))
            .map_err(|e| format!("copying {}: {e}", so.display()))?;
        Ok(dir)
    })
    .as_ref()
    .map(PathBuf::as_path)
    .map_err(Clone::clone)
}

/// `cargo build -p oxissl-capi` for the profile and target directory this binary came from.
fn build_our_lib(profile_dir: &Path) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let profile = profile_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let target_dir = profile_dir.parent().ok_or("no target directory")?;
    let mut cmd = Command::new("timeout");
    cmd.args(["-k", "10", "1200"])
        .arg(cargo)
        .args(["build", "-p", "oxissl-capi", "--lib"]);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd
        .env("CARGO_TARGET_DIR", target_dir)
        .current_dir(manifest_dir())
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo build -p oxissl-capi failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// Which libssl a run is meant to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lib {
    /// The system's, found the usual way.
    System,
    /// Ours, first on `LD_LIBRARY_PATH`.
    Ours,
}

/// How a child process ended, comparable between runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum End {
    Exit(i32),
    Signal(i32),
}

impl From<ExitStatus> for End {
    fn from(s: ExitStatus) -> Self {
        match s.code() {
            Some(c) => End::Exit(c),
            None => End::Signal(s.signal().unwrap_or(-1)),
        }
    }
}

impl fmt::Display for End {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            End::Exit(124) => write!(f, "exit 124 (killed by timeout)"),
            End::Exit(c) => write!(f, "exit {c}"),
            End::Signal(s) => write!(f, "killed by signal {s}"),
        }
    }
}

/// One finished run of a program.
pub struct Run {
    pub lib: Lib,
    pub what: String,
    pub end: End,
    pub stdout: String,
    /// The program's own stderr, without the dynamic loader's lines.
    pub stderr: String,
    /// Every `libssl.so.3` the dynamic loader loaded, by path.
    pub libssl: Vec<String>,
}

impl Run {
    /// Panics unless the run loaded exactly the intended libssl.
    pub fn assert_loaded(&self) {
        let ok = match (self.lib, self.libssl.as_slice()) {
            (Lib::System, [path]) => !Path::new(path).starts_with(scratch()),
            (Lib::Ours, [path]) => our_lib_dir()
                .map(|dir| Path::new(path) == dir.join("libssl.so.3"))
                .unwrap_or(false),
            _ => false,
        };
        assert!(
            ok,
            "{}: meant to run on the {:?} libssl, but the loader loaded {:?}\n{}",
            self.what, self.lib, self.libssl, self
        );
    }
}

impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "--- {} on the {:?} libssl: {}",
            self.what, self.lib, self.end
        )?;
        writeln!(f, "--- stdout:\n{}", self.stdout)?;
        writeln!(f, "--- stderr:\n{}", self.stderr)
    }
}

/// Runs `cmd` (a program and its arguments) on `lib`, under `timeout(1)`, with
/// `LD_DEBUG=libs,scopes` so the loader reports which libssl it loaded.
pub fn run(lib: Lib, cmd: &[String], env: &[(&str, &str)]) -> Run {
    run_wrapped(lib, &[], PROGRAM_SECONDS, cmd, env)
}

/// Variables that would change what a child loads or where it connects or looks for
/// certificates; removed from every child's environment.
const SCRUBBED: &[&str] = &[
    "LD_DEBUG_OUTPUT",
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "OPENSSL_CONF",
    "OPENSSL_MODULES",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "SSLKEYLOGFILE",
    "CURL_CA_BUNDLE",
    "http_proxy",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
];

/// `run`, with `wrapper` (e.g. valgrind) between `timeout(1)` and the program, and `seconds`
/// instead of `PROGRAM_SECONDS`.
pub fn run_wrapped(
    lib: Lib,
    wrapper: &[&str],
    seconds: u32,
    cmd: &[String],
    env: &[(&str, &str)],
) -> Run {
    run_inner(lib, wrapper, seconds, cmd, env, None)
}

/// `run`, with `input` written to the program's standard input (then closed).
pub fn run_input(lib: Lib, cmd: &[String], input: &[u8]) -> Run {
    run_inner(lib, &[], PROGRAM_SECONDS, cmd, &[], Some(input))
}

fn run_inner(
    lib: Lib,
    wrapper: &[&str],
    seconds: u32,
    cmd: &[String],
    env: &[(&str, &str)],
    input: Option<&[u8]>,
) -> Run {
    let mut c = Command::new("timeout");
    c.args(["-k", "5", &seconds.to_string()])
        .args(wrapper)
        .args(cmd)
        .env("LD_DEBUG", "libs,scopes");
    for var in SCRUBBED {
        c.env_remove(var);
    }
    c.envs(env.iter().copied())
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if lib == Lib::Ours {
        match our_lib_dir() {
            Ok(dir) => {
                c.env("LD_LIBRARY_PATH", dir);
            }
            Err(e) => panic!("our libssl.so.3 is not available: {e}"),
        }
    }
    let mut child = c.spawn().expect("timeout(1) runs");
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        // The program may exit without reading it all: a failed write is its business.
        let bytes = bytes.to_vec();
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    let out = child.wait_with_output().expect("timeout(1) runs");
    let raw = String::from_utf8_lossy(&out.stderr);
    let mut stderr = String::new();
    let mut libssl = Vec::new();
    for line in raw.lines() {
        match loader_line(line) {
            Some(rest) => {
                // "object=PATH [0]" (scopes) names every loaded object; "calling init: PATH"
                // (libs) those with constructors.
                let path = rest
                    .strip_prefix("calling init: ")
                    .or_else(|| rest.strip_prefix("object=")?.split(" [").next());
                if let Some(path) = path.filter(|p| p.ends_with("/libssl.so.3")) {
                    if !libssl.iter().any(|known| known == path) {
                        libssl.push(path.to_string());
                    }
                }
            }
            None => {
                stderr.push_str(line);
                stderr.push('\n');
            }
        }
    }
    let what = cmd
        .iter()
        .map(|a| {
            Path::new(a)
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| a.clone())
        })
        .collect::<Vec<_>>()
        .join(" ");
    Run {
        lib,
        what,
        end: out.status.into(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
        libssl,
    }
}

/// A dynamic-loader debug line ("  1234:\tmessage") without its prefix, or None.
fn loader_line(line: &str) -> Option<&str> {
    let trimmed = line.trim_start();
    let colon = trimmed.find(':')?;
    let (pid, rest) = trimmed.split_at(colon);
    if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = rest.strip_prefix(":\t")?;
    Some(rest.trim_start())
}

/// The differential check: `cmd` runs on the system libssl, where it must end with
/// `expect_end` and print every line of `expect_lines` (facts about OpenSSL that keep the
/// program honest), then on ours, where stdout and the exit status must be the same.
pub fn differential(cmd: &[String], expect_end: End, expect_lines: &[&str]) {
    differential_env(cmd, &[], expect_end, expect_lines);
}

/// `differential` with `env` set for both runs.
pub fn differential_env(
    cmd: &[String],
    env: &[(&str, &str)],
    expect_end: End,
    expect_lines: &[&str],
) {
    let system = run(Lib::System, cmd, env);
    system.assert_loaded();
    assert_eq!(
        system.end, expect_end,
        "the program misbehaves on the system libssl\n{system}"
    );
    for want in expect_lines {
        assert!(
            system.stdout.lines().any(|l| l == *want),
            "on the system libssl, expected the line {want:?}\n{system}"
        );
    }
    let ours = run(Lib::Ours, cmd, env);
    ours.assert_loaded();
    if ours.stdout != system.stdout || ours.end != system.end {
        panic!(
            "{} differs between the system libssl and ours\n{}\n{system}\n{ours}",
            ours.what,
            first_difference(&system.stdout, &ours.stdout)
        );
    }
}

/// Names the first line where two outputs part.
fn first_difference(a: &str, b: &str) -> String {
    let (mut la, mut lb) = (a.lines(), b.lines());
    let mut n = 1;
    loop {
        match (la.next(), lb.next()) {
            (None, None) => return "stdout is the same; the exit status is not".into(),
            (x, y) if x == y => n += 1,
            (x, y) => {
                return format!(
                    "first difference at stdout line {n}:\n  system: {x:?}\n  ours:   {y:?}"
                )
            }
        }
    }
}

/// Arguments as owned strings.
pub fn args<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// `openssl s_server`, killed when dropped.
pub struct SServer {
    child: Child,
    pub port: u16,
    /// What it prints after ACCEPT, line by line.
    lines: std::sync::mpsc::Receiver<String>,
}

impl SServer {
    /// Types `line` into its standard input (s_server's commands: `c` asks for a certificate
    /// after the handshake, `k` updates keys, `Q` ends it).
    pub fn send(&mut self, line: &str) {
        use std::io::Write;
        // A server that has already exited has nobody to read it: nothing to do then.
        if let Some(stdin) = self.child.stdin.as_mut() {
            let _ = stdin
                .write_all(format!("{line}\n").as_bytes())
                .and_then(|()| stdin.flush());
        }
    }

    /// The next line it prints that contains `needle` (waits at most `DEADLINE`).
    pub fn wait_for_line(&self, needle: &str) -> Option<String> {
        let deadline = std::time::Instant::now() + DEADLINE;
        loop {
            let left = deadline.checked_duration_since(std::time::Instant::now())?;
            let line = self.lines.recv_timeout(left).ok()?;
            if line.contains(needle) {
                return Some(line);
            }
        }
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `openssl s_server` on 127.0.0.1 with the leaf `NAME.pem`/`NAME.key`, sending
/// `chain` as the intermediate, plus `extra` flags; waits (bounded) until it prints ACCEPT.
/// If the port was taken in the meantime s_server exits and another port is tried.
pub fn s_server(name: &str, chain: &str, extra: &[&str]) -> SServer {
    for _ in 0..5 {
        let port = free_port();
        let mut child = Command::new("openssl")
            .arg("s_server")
            .arg("-accept")
            .arg(format!("127.0.0.1:{port}"))
            .arg("-cert")
            .arg(cert(&format!("{name}.pem")))
            .arg("-key")
            .arg(cert(&format!("{name}.key")))
            .arg("-cert_chain")
            .arg(cert(chain))
            .args(extra)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("openssl s_server starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let (line_tx, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Reports ACCEPT, then passes on every later line and keeps draining, so the
            // server never blocks on a full pipe.
            let mut lines = BufReader::new(stdout).lines();
            for line in lines.by_ref() {
                match line {
                    Ok(l) if l.contains("ACCEPT") => {
                        let _ = tx.send(());
                        break;
                    }
                    Ok(_) => {}
                    Err(_) => return,
                }
            }
            for line in lines.map_while(Result::ok) {
                let _ = line_tx.send(line);
            }
        });
        let server = SServer { child, port, lines };
        if rx.recv_timeout(DEADLINE).is_ok() {
            return server;
        }
    }
    panic!("openssl s_server did not start");
}

/// The usual server for the C clients: the ECDSA leaf with its intermediate, `-rev` (each line
/// comes back reversed; "CLOSE" makes it send close_notify), plus `extra`.
pub fn rev_server(extra: &[&str]) -> SServer {
    let mut flags = vec!["-rev"];
    flags.extend_from_slice(extra);
    s_server("ecdsa", "inter.pem", &flags)
}

/// A TCP server on 127.0.0.1 that treats every connection with `handle`; stopped (and its
/// thread joined) when dropped.
pub struct RawServer {
    pub port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

pub fn raw_server(handle: fn(TcpStream)) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let port = listener.local_addr().unwrap().port();
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::spawn(move || {
        while !flag.load(Ordering::SeqCst) {
            match listener.accept() {
                Ok((s, _)) => {
                    let _ = s.set_nonblocking(false);
                    let _ = s.set_read_timeout(Some(DEADLINE));
                    let _ = s.set_write_timeout(Some(DEADLINE));
                    handle(s);
                }
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(_) => break,
            }
        }
    });
    RawServer {
        port,
        stop,
        thread: Some(thread),
    }
}

/// Reads one whole TLS record (the ClientHello) so that closing afterwards leaves nothing
/// unread: unread bytes would turn a close into a reset.
pub fn read_client_hello(s: &mut TcpStream) {
    let mut header = [0u8; 5];
    if s.read_exact(&mut header).is_err() {
        return;
    }
    let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
    let mut body = vec![0u8; len];
    let _ = s.read_exact(&mut body);
}

/// Half-closes, then reads until the client closes too (or the deadline), so that whatever
/// the client still sends (an alert) is consumed.
pub fn close_gracefully(mut s: TcpStream) {
    let _ = s.shutdown(Shutdown::Write);
    let mut sink = [0u8; 1024];
    while matches!(s.read(&mut sink), Ok(n) if n > 0) {}
}

/// The client's ClientHello is read, then the connection is closed cleanly (FIN).
pub fn eof_after_client_hello(mut s: TcpStream) {
    read_client_hello(&mut s);
    close_gracefully(s);
}

/// The client's ClientHello is read, then the connection is reset (SO_LINGER 0, RST).
pub fn reset_after_client_hello(mut s: TcpStream) {
    read_client_hello(&mut s);
    set_linger_zero(&s);
    drop(s);
}

/// A plain HTTP server's answer to bytes it does not understand.
pub fn http_400(mut s: TcpStream) {
    read_client_hello(&mut s);
    let _ = s.write_all(
        b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\
          Connection: close\r\n\r\nbad request\n",
    );
    close_gracefully(s);
}

#[repr(C)]
struct Linger {
    l_onoff: i32,
    l_linger: i32,
}

extern "C" {
    fn setsockopt(fd: i32, level: i32, name: i32, value: *const Linger, len: u32) -> i32;
}

/// SO_LINGER with a zero timeout: closing the socket sends RST.
fn set_linger_zero(s: &TcpStream) {
    use std::os::fd::AsRawFd;
    const SOL_SOCKET: i32 = 1;
    const SO_LINGER: i32 = 13;
    let linger = Linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: a valid socket descriptor, a properly sized and aligned `struct linger` that
    // lives across the call; setsockopt does not keep the pointer.
    let rc = unsafe {
        setsockopt(
            s.as_raw_fd(),
            SOL_SOCKET,
            SO_LINGER,
            &linger,
            std::mem::size_of::<Linger>() as u32,
        )
    };
    assert_eq!(rc, 0, "setsockopt(SO_LINGER)");
}

/// The dynamic symbols of an ELF file as `name@VERSION` (`nm -D`): those it defines, or those
/// it needs from elsewhere.
pub fn dynamic_symbols(path: &Path, defined: bool) -> Vec<String> {
    let out = Command::new("nm")
        .arg("-D")
        .arg(if defined {
            "--defined-only"
        } else {
            "--undefined-only"
        })
        .arg(path)
        .output()
        .expect("nm runs");
    assert!(
        out.status.success(),
        "nm -D {}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut names: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().last())
        .map(|n| n.replace("@@", "@"))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// Where the dynamic loader finds `soname` for `binary` on this system (`ldd`).
pub fn linked_library(binary: &Path, soname: &str) -> PathBuf {
    let out = Command::new("ldd")
        .arg(binary)
        .env_remove("LD_LIBRARY_PATH")
        .output()
        .expect("ldd runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            let (name, rest) = l.trim().split_once(" => ")?;
            let path = rest.split(" (").next()?.trim();
            (name == soname).then(|| PathBuf::from(path))
        })
        .unwrap_or_else(|| panic!("{} does not link {soname}", binary.display()))
}

/// The symbols `binary` takes from libssl (those it needs that the system libssl defines).
pub fn libssl_imports(binary: &Path) -> Vec<String> {
    let libssl = dynamic_symbols(&linked_library(binary, "libssl.so.3"), true);
    dynamic_symbols(binary, false)
        .into_iter()
        .filter(|s| libssl.binary_search(s).is_ok())
        .collect()
}

/// Panics, naming every symbol, unless our library defines all of `imports` (with their
/// symbol versions) for `who`.
pub fn assert_we_export(who: &str, imports: &[String]) {
    let dir = our_lib_dir().unwrap_or_else(|e| panic!("our libssl.so.3 is not available: {e}"));
    let ours = dynamic_symbols(&dir.join("libssl.so.3"), true);
    let missing: Vec<&String> = imports
        .iter()
        .filter(|s| ours.binary_search(s).is_err())
        .collect();
    assert!(
        missing.is_empty(),
        "{who} needs {} libssl symbols that our library does not export: {missing:?}",
        missing.len()
    );
}

/// A "good" OCSP response for `ecdsa.pem` signed by its issuer, made once per test binary by
/// `testdata/certs/ocsp-response.sh` (valid for a day from now), for `s_server -status_file`.
pub fn ocsp_response_file() -> &'static str {
    static RESP: OnceLock<PathBuf> = OnceLock::new();
    RESP.get_or_init(|| made_by_script("ocsp-response.sh", "ocsp").join("resp.der"))
        .to_str()
        .unwrap()
}

/// Runs `testdata/certs/SCRIPT` with a fresh directory `name` of the scratch space, where it
/// writes its files; returns that directory.
pub fn made_by_script(script: &str, name: &str) -> PathBuf {
    let dir = scratch().join(name);
    let script = manifest_dir().join("../../testdata/certs").join(script);
    let out = Command::new("bash")
        .arg(&script)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}
