//! `copydesk serve [FOLDER]`: the pre-publish page for comms staff, served
//! on localhost (issue 16). An edge, like the CLI: it reuses the checker, the
//! shared guide discovery ([`crate::resolve::Resolver`]), the `check` JSON (version 1) for
//! findings, the share rules' counting and the atomic writer.
//!
//! Security, because a local web server is an attack surface:
//! - binds loopback unless `--host` names another address *and* a token
//!   (`--token` or `COPYDESK_SERVE_TOKEN`) or a password is given; the
//!   password is read from an environment variable (`--password-env VAR`)
//!   or asked on the terminal with echo off (`--password-prompt`), never
//!   taken on the command line, where other users can read it;
//! - with a password, the page (which holds no data) is served without the
//!   token and asks for the password; `/api/login` answers the right one
//!   with the token, and a wrong one after a second's pause, one guess at a
//!   time;
//! - every request for the page or the API carries the random token (the
//!   page's URL has it; the page sends it as `X-Copydesk-Token`);
//! - the `Host` header must name this server (DNS rebinding), and an
//!   `Origin` or `Sec-Fetch-Site` header must say the request is from the
//!   page itself (cross-site requests);
//! - responses carry a strict Content-Security-Policy; the page loads
//!   nothing from elsewhere (its assets are embedded in the binary);
//! - files are listed by the same walk `check` uses, and only those are
//!   opened or saved: nothing outside FOLDER is ever read or written;
//! - the guide's model settings and keys are never sent to the page.

mod api;
mod preview;
mod thread;

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, bail};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// The header the page sends the token in.
pub const TOKEN_HEADER: &str = "x-copydesk-token";

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The folder of drafts to open and save; without it the page is
    /// paste-only and never writes
    pub folder: Option<PathBuf>,
    /// The port to listen on (0: any free port)
    #[arg(long, default_value_t = 7878)]
    pub port: u16,
    /// The address to bind; anything but loopback also needs --token or a
    /// password
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Protect the page with the password in this environment variable
    /// (people who open the page without the token enter it)
    #[arg(long, value_name = "VAR", conflicts_with = "password_prompt")]
    pub password_env: Option<String>,
    /// Protect the page with a password asked for now, on the terminal
    #[arg(long)]
    pub password_prompt: bool,
    /// The secret every request must carry (default: a random one per run).
    /// Also read from COPYDESK_SERVE_TOKEN
    #[arg(long)]
    pub token: Option<String>,
    /// Open the page in the default browser
    #[arg(long)]
    pub open: bool,
    /// The guide to use instead of discovering copydesk.toml
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub(crate) struct AppState {
    token: String,
    /// The password that buys the token, if one was set.
    password: Option<String>,
    /// One password guess at a time (each wrong one waits a second).
    pub(crate) guesses: tokio::sync::Mutex<()>,
    /// `Host` values this server answers to (`127.0.0.1:7878`, …).
    hosts: Vec<String>,
    pub(crate) folder: Option<PathBuf>,
    pub(crate) guides: std::sync::Mutex<api::Guides>,
}

pub fn run(mut args: ServeArgs) -> anyhow::Result<()> {
    if args.token.is_none() {
        args.token = std::env::var("COPYDESK_SERVE_TOKEN")
            .ok()
            .filter(|token| !token.is_empty());
    }
    let ip: IpAddr = if args.host.eq_ignore_ascii_case("localhost") {
        IpAddr::from([127, 0, 0, 1])
    } else {
        args.host
            .parse()
            .with_context(|| format!("--host “{}”: not an IP address", args.host))?
    };
    let password = password(&args)?;
    if !ip.is_loopback() && args.token.as_deref().is_none_or(str::is_empty) && password.is_none() {
        bail!(
            "refusing to serve on {ip}, which is not a loopback address, without --token (or COPYDESK_SERVE_TOKEN) or a password (--password-env VAR or --password-prompt): anyone on that network could read and change your drafts"
        );
    }
    if let Some(token) = &args.token
        && token.len() < 16
    {
        bail!(
            "--token: too short ({} characters); use at least 16",
            token.len()
        );
    }
    let folder = match &args.folder {
        Some(folder) => {
            let root = std::fs::canonicalize(folder)
                .with_context(|| format!("{}: cannot open the folder", folder.display()))?;
            if !root.is_dir() {
                bail!("{}: not a folder", folder.display());
            }
            Some(root)
        }
        None => None,
    };
    let token = args.token.clone().unwrap_or_else(random_token);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("could not start the server runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port))
            .await
            .with_context(|| format!("cannot listen on {ip}:{}", args.port))?;
        let port = listener.local_addr()?.port();
        let mut hosts = vec![
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ];
        let shown = match ip {
            IpAddr::V6(v6) => format!("[{v6}]:{port}"),
            IpAddr::V4(v4) => format!("{v4}:{port}"),
        };
        if !hosts.contains(&shown) {
            hosts.push(shown.clone());
        }
        let state = Arc::new(AppState {
            token,
            password,
            guesses: tokio::sync::Mutex::new(()),
            hosts,
            guides: std::sync::Mutex::new(api::Guides::new(args.config.clone(), folder.clone())),
            folder,
        });
        let url = format!("http://{shown}/?token={}", state.token);
        // Not `println!`: a closed standard output (a test, a pipe to
        // `head`) must not stop the server.
        let mut said = match &state.folder {
            Some(folder) => format!("drafts: {} (open and save)", folder.display()),
            None => "no folder: paste-only, nothing is written".to_owned(),
        };
        if state.password.is_some() {
            said.push_str(&format!(
                "\npassword set: others open http://{shown}/ and enter it"
            ));
        }
        let mut out = std::io::stdout().lock();
        use std::io::Write;
        let _ = writeln!(out, "copydesk serve: {url}\n{said}").and_then(|()| out.flush());
        drop(out);
        if args.open {
            open_browser(&url);
        }
        let router = api::router(Arc::clone(&state)).layer(axum::middleware::from_fn_with_state(
            Arc::clone(&state),
            guard,
        ));
        // Ctrl-C ends the process: nothing is held open between requests
        // (a save is one atomic rename).
        axum::serve(listener, router)
            .await
            .context("the server stopped")?;
        Ok(())
    })
}

/// The shortest password taken.
const MIN_PASSWORD_CHARS: usize = 12;

/// The password from `--password-env VAR` or `--password-prompt`, if any.
fn password(args: &ServeArgs) -> anyhow::Result<Option<String>> {
    let password = if let Some(var) = &args.password_env {
        match std::env::var(var) {
            Ok(value) if !value.is_empty() => value,
            Ok(_) => bail!("--password-env {var}: the variable is empty"),
            Err(std::env::VarError::NotPresent) => {
                bail!("--password-env {var}: the variable is not set")
            }
            Err(std::env::VarError::NotUnicode(_)) => {
                bail!("--password-env {var}: the value is not valid UTF-8")
            }
        }
    } else if args.password_prompt {
        prompt_password()?
    } else {
        return Ok(None);
    };
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        bail!("the password is too short ({chars} characters); use at least {MIN_PASSWORD_CHARS}");
    }
    Ok(Some(password))
}

/// Ask for the password on the terminal, without echoing it.
fn prompt_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        bail!(
            "--password-prompt: standard input is not a terminal; use --password-env VAR instead"
        );
    }
    // Echo off before the prompt: what is typed once it shows is not shown.
    let echo = EchoOff::new();
    eprint!("Password for the page (not shown): ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    drop(echo);
    eprintln!();
    read.context("--password-prompt: reading the password")?;
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}

/// The terminal's echo, off until dropped (Unix; elsewhere a no-op).
struct EchoOff {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl EchoOff {
    #[cfg(unix)]
    fn new() -> EchoOff {
        // SAFETY: tcgetattr/tcsetattr on standard input with a termios the
        // call fills in; failures leave the terminal as it was.
        unsafe {
            let mut saved: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(libc::STDIN_FILENO, &mut saved) != 0 {
                return EchoOff { saved: None };
            }
            let mut quiet = saved;
            quiet.c_lflag &= !libc::ECHO;
            quiet.c_lflag |= libc::ECHONL;
            if libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &quiet) != 0 {
                return EchoOff { saved: None };
            }
            EchoOff { saved: Some(saved) }
        }
    }

    #[cfg(not(unix))]
    fn new() -> EchoOff {
        EchoOff {}
    }
}

impl Drop for EchoOff {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(saved) = &self.saved {
            // SAFETY: restores the settings read in `new`.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, saved);
            }
        }
    }
}

/// The token for the right password; a wrong one after a second's pause,
/// one guess at a time, so guessing is slow.
pub(crate) async fn login(state: &AppState, given: &str) -> Option<String> {
    let password = state.password.as_deref()?;
    let _one_at_a_time = state.guesses.lock().await;
    if same_secret(given, password) {
        Some(state.token.clone())
    } else {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        None
    }
}

/// 128 random bits, hex: from the system's random source.
fn random_token() -> String {
    let mut bytes = [0u8; 16];
    let filled = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| std::io::Read::read_exact(&mut file, &mut bytes))
        .is_ok();
    if !filled {
        // No /dev/urandom (Windows): the standard library's randomly keyed
        // hashers, seeded from the system's random source.
        use std::hash::{BuildHasher, Hasher};
        for chunk in bytes.chunks_mut(8) {
            let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
            hasher.write_u64(0);
            chunk.copy_from_slice(&hasher.finish().to_le_bytes()[..chunk.len()]);
        }
    }
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(error) = std::process::Command::new(program).arg(url).spawn() {
        eprintln!("warning: could not open the browser ({program}: {error}); open {url}");
    }
}

/// Compare in time independent of where the strings differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}

fn query_token(query: Option<&str>) -> Option<&str> {
    query?
        .split('&')
        .find_map(|pair| pair.strip_prefix("token="))
}

/// Every request passes here: Host, Origin, token; then the security
/// headers on every response.
async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let headers: &HeaderMap = request.headers();
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    if !host.is_some_and(|host| {
        state
            .hosts
            .iter()
            .any(|known| known.eq_ignore_ascii_case(host))
    }) {
        return secured(refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "refused: the Host header does not name this server",
        ));
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let same = origin.to_str().ok().and_then(|o| o.strip_prefix("http://"));
        if !same.is_some_and(|o| {
            state
                .hosts
                .iter()
                .any(|known| known.eq_ignore_ascii_case(o))
        }) {
            return secured(refuse(
                StatusCode::FORBIDDEN,
                "refused: a request from another site (Origin)",
            ));
        }
    }
    if let Some(site) = headers.get("sec-fetch-site")
        && !matches!(site.as_bytes(), b"same-origin" | b"none")
    {
        return secured(refuse(
            StatusCode::FORBIDDEN,
            "refused: a request from another site (Sec-Fetch-Site)",
        ));
    }
    let path = request.uri().path();
    // With a password, the page (no data in it) and the login come without
    // the token: the page asks for the password, the login answers it.
    let needs_token = !path.starts_with("/assets/")
        && !(state.password.is_some() && (path == "/" || path == "/api/login"));
    if needs_token {
        let given = headers
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                (path == "/")
                    .then(|| query_token(request.uri().query()))
                    .flatten()
            });
        if !given.is_some_and(|given| same_secret(given, &state.token)) {
            return secured(refuse(
                StatusCode::UNAUTHORIZED,
                "refused: missing or wrong token (open the URL copydesk serve printed)",
            ));
        }
    }
    secured(next.run(request).await)
}

/// The Content-Security-Policy: nothing from elsewhere, no inline script;
/// styles from the page itself, plus the one `<style>` element the editor
/// (CodeMirror) writes its theme into, allowed by a nonce made per page load.
pub(crate) fn policy(style_nonce: Option<&str>) -> String {
    let nonce = style_nonce
        .map(|nonce| format!(" 'nonce-{nonce}'"))
        .unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'{nonce}; img-src 'self' data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )
}

/// A fresh random nonce (the token's 128 bits), for one page load.
pub(crate) fn nonce() -> String {
    random_token()
}

fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    // The page sets its own, with its style nonce.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY)
        && let Ok(policy) = HeaderValue::from_str(&policy(None))
    {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_long() {
        let (a, b) = (random_token(), random_token());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abcdef", "abcdef"));
        assert!(!same_secret("abcdef", "abcdeg"));
        assert!(!same_secret("abc", "abcdef"));
    }
}
