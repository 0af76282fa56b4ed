//! A real local model for end-to-end tests: llama.cpp's `llama-server` with
//! SmolLM2-135M-Instruct, both installed by scripts/setup/40-llama.sh.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The llama-server child, killed when the test ends however it ends.
pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The model file from `COPYDESK_LLAMA_MODEL`, or a visible skip (a
/// failure under `COPYDESK_REQUIRE_E2E=1`).
pub fn require_model() -> Option<PathBuf> {
    let model = std::env::var_os("COPYDESK_LLAMA_MODEL")
        .map(PathBuf::from)
        .filter(|p| p.is_file());
    if model.is_none() {
        super::skip("COPYDESK_LLAMA_MODEL (SmolLM2 GGUF) not set; scripts/test installs it");
    }
    model
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Start `server` with `model` on `port` (alias "smollm2", one thread, a
/// 2,048-token context) and wait until it is healthy.
pub fn start(server: &Path, model: &Path, port: u16, log: &Path) -> Server {
    let log_file = std::fs::File::create(log).expect("log file");
    let child = Command::new(server)
        .args(["-m"])
        .arg(model)
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            // One thread: two collapse when another process holds a core.
            "-t",
            "1",
            "-c",
            "2048",
            "-np",
            "1",
            "--alias",
            "smollm2",
        ])
        .stdout(Stdio::null())
        .stderr(log_file)
        .spawn()
        .expect("llama-server starts");
    let mut server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(120);
    while Instant::now() < deadline {
        if health_ok(port) {
            return server;
        }
        // A server that died (a binary built for another CPU segfaults
        // while loading) is said at once, not after the whole wait.
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!(
                "llama-server exited ({status}) before it became healthy:\n{}",
                std::fs::read_to_string(log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    panic!(
        "llama-server did not become healthy in 120 s:\n{}",
        std::fs::read_to_string(log).unwrap_or_default()
    );
}

/// GET /health with a bare socket: 200 once the model is loaded.
fn health_ok(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    if stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut response = String::new();
    let _ = stream.read_to_string(&mut response);
    response.starts_with("HTTP/1.1 200")
}

/// One model server at a time, across every test of the binary: each wants
/// a core of the two.
pub fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
