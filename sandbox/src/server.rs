//! A small HTTP/1.1 server for [`Sandbox`](crate::Sandbox) on `std::net`: one thread per
//! connection, keep-alive, `Content-Length` bodies only (chunked request bodies are answered
//! with 411 and the connection is closed), a read timeout, optional static file mounts.
//! Loopback addresses only.
//!
//! Request logs go to stderr as `METHOD /path STATUS ms` — never the query string, headers or
//! bodies, so no token, code or secret is ever printed.

use crate::util::{percent_decode, split_target};
use crate::{is_api_path, Request, Response, Sandbox, MAX_BODY_BYTES};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Idle/read timeout per connection (also bounds slow-loris clients).
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Maximum size of the request line plus headers.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
const MAX_HEADERS: usize = 100;
const MAX_CONNECTIONS: usize = 512;

/// A static-file mount: URL prefix → directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticMount {
    /// URL prefix, `/` or `/something` (no trailing slash).
    pub prefix: String,
    pub dir: PathBuf,
}

impl StaticMount {
    /// Parses `DIR` (mounted at `/`) or `/prefix=DIR`.
    pub fn parse(arg: &str) -> Result<StaticMount, String> {
        let (prefix, dir) = match arg.split_once('=') {
            Some((p, d)) if p.starts_with('/') => (p, d),
            Some(_) => return Err(format!("--static {arg}: prefix must start with '/'")),
            None => ("/", arg),
        };
        if dir.is_empty() {
            return Err(format!("--static {arg}: directory is empty"));
        }
        let prefix = if prefix.len() > 1 {
            prefix.trim_end_matches('/')
        } else {
            prefix
        };
        let prefix = if prefix.is_empty() { "/" } else { prefix };
        if prefix.split('/').any(|s| s == ".." || s == ".") {
            return Err(format!("--static {arg}: bad prefix"));
        }
        Ok(StaticMount {
            prefix: prefix.to_string(),
            dir: PathBuf::from(dir),
        })
    }
}

/// Server configuration.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    pub host: String,
    pub port: u16,
    pub statics: Vec<StaticMount>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            host: "127.0.0.1".into(),
            port: 0,
            statics: Vec::new(),
        }
    }
}

/// Resolves `host` to a loopback address; anything else is refused.
pub fn loopback_addr(host: &str) -> Result<IpAddr, String> {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    let ip = if h.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        h.parse::<IpAddr>()
            .map_err(|_| format!("--host {host}: not an IP address or localhost"))?
    };
    if ip.is_loopback() {
        Ok(ip)
    } else {
        Err(format!(
            "--host {host}: refusing to listen on a non-loopback address (use 127.0.0.1, ::1 or localhost)"
        ))
    }
}

struct Mount {
    prefix: String,
    root: PathBuf,
}

struct Shared {
    sandbox: Mutex<Sandbox>,
    mounts: Vec<Mount>,
    active: AtomicUsize,
}

/// A bound (not yet running) server.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    shared: Arc<Shared>,
}

impl Server {
    /// Binds to a loopback address and resolves the static directories.
    pub fn bind(config: &ServerConfig) -> io::Result<Server> {
        let ip = loopback_addr(&config.host)
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        let mut mounts = Vec::new();
        for m in &config.statics {
            let root = m.dir.canonicalize().map_err(|e| {
                io::Error::new(e.kind(), format!("--static {}: {e}", m.dir.display()))
            })?;
            if !root.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("--static {}: not a directory", m.dir.display()),
                ));
            }
            mounts.push(Mount {
                prefix: m.prefix.clone(),
                root,
            });
        }
        mounts.sort_by_key(|m| std::cmp::Reverse(m.prefix.len()));
        let listener = TcpListener::bind(SocketAddr::new(ip, config.port))?;
        let addr = listener.local_addr()?;
        Ok(Server {
            listener,
            addr,
            shared: Arc::new(Shared {
                sandbox: Mutex::new(Sandbox::new()),
                mounts,
                active: AtomicUsize::new(0),
            }),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:<port>` (or `http://[::1]:<port>`).
    pub fn url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}", self.addr.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}", self.addr.port()),
        }
    }

    /// Accepts connections forever, one thread each.
    pub fn run(self) -> io::Result<()> {
        for conn in self.listener.incoming() {
            let stream = match conn {
                Ok(s) => s,
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(10));
                    continue;
                }
            };
            if self.shared.active.load(Ordering::Relaxed) >= MAX_CONNECTIONS {
                let _ = stream.shutdown(Shutdown::Both);
                continue;
            }
            let shared = Arc::clone(&self.shared);
            shared.active.fetch_add(1, Ordering::Relaxed);
            let spawned = std::thread::Builder::new()
                .name("sandbox-conn".into())
                .spawn(move || {
                    serve_connection(stream, &shared);
                    shared.active.fetch_sub(1, Ordering::Relaxed);
                });
            if spawned.is_err() {
                self.shared.active.fetch_sub(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
enum ReadError {
    /// Socket error, timeout or EOF mid-request: just close.
    Io,
    /// Protocol error: answer with this status, then close.
    Http(u16, &'static str),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Io
    }
}

struct Parsed {
    req: Request,
    keep_alive: bool,
}

/// Reads one line (without CRLF) within `budget` bytes. `Ok(None)` on clean EOF.
fn read_line<R: BufRead>(r: &mut R, budget: &mut usize) -> Result<Option<Vec<u8>>, ReadError> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(*budget as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if !buf.ends_with(b"\n") {
        return if n > *budget {
            Err(ReadError::Http(431, "request head too large"))
        } else {
            Err(ReadError::Io)
        };
    }
    *budget = budget.saturating_sub(n);
    buf.pop();
    if buf.ends_with(b"\r") {
        buf.pop();
    }
    Ok(Some(buf))
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn header_has_token(headers: &[(String, String)], name: &str, token: &str) -> bool {
    headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

fn read_request<R: BufRead, W: Write>(r: &mut R, w: &mut W) -> Result<Option<Parsed>, ReadError> {
    let mut budget = MAX_HEAD_BYTES;
    // RFC 9112 §2.2: ignore at least one empty line before the request-line.
    let line = loop {
        match read_line(r, &mut budget)? {
            None => return Ok(None),
            Some(l) if l.is_empty() => continue,
            Some(l) => break l,
        }
    };
    let line =
        String::from_utf8(line).map_err(|_| ReadError::Http(400, "request line is not UTF-8"))?;
    let mut parts = line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Http(400, "malformed request line"));
    };
    if !is_token(method) {
        return Err(ReadError::Http(400, "malformed method"));
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => {
            return Err(ReadError::Http(
                505,
                "only HTTP/1.0 and HTTP/1.1 are supported",
            ))
        }
    };
    let target = origin_form(target).ok_or(ReadError::Http(400, "malformed request target"))?;

    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let Some(l) = read_line(r, &mut budget)? else {
            return Err(ReadError::Io);
        };
        if l.is_empty() {
            break;
        }
        if headers.len() >= MAX_HEADERS {
            return Err(ReadError::Http(431, "too many headers"));
        }
        if l.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            return Err(ReadError::Http(400, "obsolete header line folding"));
        }
        let l = String::from_utf8(l).map_err(|_| ReadError::Http(400, "header is not UTF-8"))?;
        let Some((name, value)) = l.split_once(':') else {
            return Err(ReadError::Http(400, "malformed header"));
        };
        if !is_token(name) {
            return Err(ReadError::Http(400, "malformed header name"));
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }

    if headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("transfer-encoding"))
    {
        return Err(ReadError::Http(
            411,
            "chunked request bodies are not supported; send Content-Length",
        ));
    }
    let mut length: Option<usize> = None;
    for (_, v) in headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
    {
        for part in v.split(',') {
            let part = part.trim();
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) || part.len() > 18 {
                return Err(ReadError::Http(400, "malformed Content-Length"));
            }
            let n: usize = part
                .parse()
                .map_err(|_| ReadError::Http(400, "malformed Content-Length"))?;
            if length.is_some_and(|l| l != n) {
                return Err(ReadError::Http(400, "conflicting Content-Length"));
            }
            length = Some(n);
        }
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY_BYTES {
        return Err(ReadError::Http(413, "request bodies are limited to 1 MiB"));
    }
    if length > 0 && header_has_token(&headers, "expect", "100-continue") {
        w.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
        w.flush()?;
    }
    let mut body = vec![0u8; length];
    r.read_exact(&mut body)?;

    let keep_alive = if http10 {
        header_has_token(&headers, "connection", "keep-alive")
    } else {
        !header_has_token(&headers, "connection", "close")
    };
    Ok(Some(Parsed {
        req: Request {
            method: method.to_string(),
            target,
            headers,
            body,
        },
        keep_alive,
    }))
}

/// Origin-form (`/path?q`), absolute-form (`http://host/path`) → origin-form, `*` kept.
fn origin_form(target: &str) -> Option<String> {
    if target.starts_with('/') || target == "*" {
        return Some(target.to_string());
    }
    let rest = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))?;
    match rest.find(['/', '?']) {
        Some(i) if rest[i..].starts_with('/') => Some(rest[i..].to_string()),
        Some(i) => Some(format!("/{}", &rest[i..])),
        None => Some("/".into()),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Status",
    }
}

fn write_response<W: Write>(w: &mut W, resp: &Response, keep_alive: bool) -> io::Result<()> {
    let no_body = resp.status == 204 || resp.status == 304 || (100..200).contains(&resp.status);
    let mut out = Vec::with_capacity(256 + resp.body.len());
    out.extend_from_slice(
        format!("HTTP/1.1 {} {}\r\n", resp.status, reason(resp.status)).as_bytes(),
    );
    for (k, v) in &resp.headers {
        let framing = [
            "content-length",
            "connection",
            "transfer-encoding",
            "keep-alive",
        ]
        .iter()
        .any(|f| k.eq_ignore_ascii_case(f));
        let unsafe_chars = k.bytes().chain(v.bytes()).any(|b| b == b'\r' || b == b'\n');
        if framing || unsafe_chars {
            continue;
        }
        out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
    }
    if !no_body {
        out.extend_from_slice(format!("Content-Length: {}\r\n", resp.body.len()).as_bytes());
    }
    out.extend_from_slice(if keep_alive {
        b"Connection: keep-alive\r\n\r\n".as_slice()
    } else {
        b"Connection: close\r\n\r\n".as_slice()
    });
    if !no_body {
        out.extend_from_slice(&resp.body);
    }
    w.write_all(&out)?;
    w.flush()
}

fn log_request(method: &str, path: &str, status: &str, started: Instant) {
    let path: String = path
        .chars()
        .take(200)
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    let method: String = method.chars().take(16).collect();
    eprintln!(
        "{method} {path} {status} {}ms",
        started.elapsed().as_millis()
    );
}

fn plain(status: u16, msg: &str) -> Response {
    with_cors(
        Response::new(status)
            .with_header("Content-Type", "text/plain; charset=utf-8")
            .with_body(msg.as_bytes().to_vec()),
    )
}

/// The same CORS headers the handler puts on every response.
fn with_cors(mut r: Response) -> Response {
    r.headers.retain(|(k, _)| {
        !k.eq_ignore_ascii_case("access-control-allow-origin")
            && !k.eq_ignore_ascii_case("access-control-expose-headers")
    });
    r.with_header("Access-Control-Allow-Origin", "*")
        .with_header("Access-Control-Expose-Headers", "WWW-Authenticate")
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(WRITE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let started = Instant::now();
        let parsed = match read_request(&mut reader, &mut writer) {
            Ok(Some(p)) => p,
            Ok(None) | Err(ReadError::Io) => break,
            Err(ReadError::Http(status, msg)) => {
                let _ = write_response(&mut writer, &plain(status, msg), false);
                log_request("-", "-", &status.to_string(), started);
                break;
            }
        };
        let (path, _) = split_target(&parsed.req.target);
        let path = path.to_string();
        let static_resp = if parsed.req.method == "GET" && !is_api_path(&path) {
            serve_static(&shared.mounts, &path)
        } else {
            None
        };
        let resp = match static_resp {
            Some(r) => with_cors(r),
            None => {
                let mut sb = shared
                    .sandbox
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                sb.handle(&parsed.req)
            } // lock released here, before any injected delay
        };
        if resp.drop_connection {
            log_request(&parsed.req.method, &path, "dropped", started);
            let _ = writer.shutdown(Shutdown::Both);
            return;
        }
        if resp.delay_ms > 0 {
            std::thread::sleep(Duration::from_millis(resp.delay_ms));
        }
        let ok = write_response(&mut writer, &resp, parsed.keep_alive).is_ok();
        log_request(&parsed.req.method, &path, &resp.status.to_string(), started);
        if !ok || !parsed.keep_alive {
            break;
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

/// Content type by file extension.
pub fn content_type(path: &Path) -> &'static str {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        // covers .d.ts
        "ts" => "application/typescript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn serve_static(mounts: &[Mount], path: &str) -> Option<Response> {
    for m in mounts {
        let rest = if m.prefix == "/" {
            Some(path)
        } else if path == m.prefix {
            return Some(
                Response::new(301)
                    .with_header("Location", &format!("{}/", m.prefix))
                    .with_header("Access-Control-Allow-Origin", "*"),
            );
        } else {
            path.strip_prefix(m.prefix.as_str())
                .filter(|r| r.starts_with('/'))
        };
        if let Some(rest) = rest {
            return Some(static_file(&m.root, rest, path));
        }
    }
    None
}

fn static_file(root: &Path, rest: &str, full_path: &str) -> Response {
    let not_found = || plain(404, "not found");
    let Some(decoded) = percent_decode(rest, false) else {
        return plain(400, "malformed path");
    };
    let mut p = root.to_path_buf();
    for seg in decoded.split('/') {
        if seg.is_empty() {
            continue;
        }
        // No traversal, no hidden files, nothing a Windows path could reinterpret.
        if seg.starts_with('.') || seg.contains(['\\', '\0', ':']) {
            return not_found();
        }
        p.push(seg);
    }
    if p.is_dir() {
        if !full_path.ends_with('/') {
            return Response::new(301)
                .with_header("Location", &format!("{full_path}/"))
                .with_header("Access-Control-Allow-Origin", "*");
        }
        p.push("index.html");
    }
    // Symlinks must not lead outside the mounted directory.
    let Ok(canon) = p.canonicalize() else {
        return not_found();
    };
    if !canon.starts_with(root) || !canon.is_file() {
        return not_found();
    }
    match std::fs::read(&canon) {
        Ok(bytes) => Response::new(200)
            .with_header("Content-Type", content_type(&canon))
            .with_header("Cache-Control", "no-cache")
            .with_header("Access-Control-Allow-Origin", "*")
            .with_body(bytes),
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn parse(raw: &[u8]) -> Result<Option<Parsed>, ReadError> {
        let mut r = Cursor::new(raw.to_vec());
        let mut w = Vec::new();
        read_request(&mut r, &mut w)
    }

    #[test]
    fn parses_keep_alive_requests() {
        let raw = b"POST /oauth/token?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=bGET / HTTP/1.1\r\n\r\n";
        let mut r = Cursor::new(raw.to_vec());
        let mut w = Vec::new();
        let p = read_request(&mut r, &mut w).unwrap().unwrap();
        assert_eq!(p.req.method, "POST");
        assert_eq!(p.req.target, "/oauth/token?x=1");
        assert_eq!(p.req.body, b"a=b");
        assert!(p.keep_alive);
        let p2 = read_request(&mut r, &mut w).unwrap().unwrap();
        assert_eq!(p2.req.method, "GET");
        assert!(read_request(&mut r, &mut w).unwrap().is_none());
    }

    #[test]
    fn rejects_bad_framing() {
        let chunked = b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
        assert!(matches!(parse(chunked), Err(ReadError::Http(411, _))));
        let big = b"POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n";
        assert!(matches!(parse(big), Err(ReadError::Http(413, _))));
        let conflict = b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab";
        assert!(matches!(parse(conflict), Err(ReadError::Http(400, _))));
        let neg = b"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n";
        assert!(matches!(parse(neg), Err(ReadError::Http(400, _))));
        let mut huge = b"GET / HTTP/1.1\r\nX: ".to_vec();
        huge.extend(std::iter::repeat_n(b'a', MAX_HEAD_BYTES + 10));
        huge.extend_from_slice(b"\r\n\r\n");
        assert!(matches!(parse(&huge), Err(ReadError::Http(431, _))));
        assert!(matches!(
            parse(b"GARBAGE\r\n\r\n"),
            Err(ReadError::Http(400, _))
        ));
        assert!(matches!(
            parse(b"GET / HTTP/2\r\n\r\n"),
            Err(ReadError::Http(505, _))
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\n folded\r\n\r\n"),
            Err(ReadError::Http(400, _))
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\nHost: a\r\n"),
            Err(ReadError::Io)
        ));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\n\xff: a\r\n\r\n"),
            Err(ReadError::Http(400, _))
        ));
    }

    #[test]
    fn expect_continue_and_http10() {
        let raw = b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nhi";
        let mut r = Cursor::new(raw.to_vec());
        let mut w = Vec::new();
        let p = read_request(&mut r, &mut w).unwrap().unwrap();
        assert_eq!(w, b"HTTP/1.1 100 Continue\r\n\r\n");
        assert!(!p.keep_alive);
        let p = parse(b"GET http://127.0.0.1:1/x?y HTTP/1.1\r\nConnection: close\r\n\r\n")
            .unwrap()
            .unwrap();
        assert_eq!(p.req.target, "/x?y");
        assert!(!p.keep_alive);
    }

    #[test]
    fn response_framing() {
        let mut out = Vec::new();
        let r = Response::new(204).with_header("Content-Length", "99");
        write_response(&mut out, &r, true).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.starts_with("HTTP/1.1 204 No Content\r\n"));
        assert!(!s.contains("Content-Length"));
        let mut out = Vec::new();
        let r = Response::new(200)
            .with_header("X-Evil", "a\r\nSet-Cookie: x")
            .with_body(b"abc".to_vec());
        write_response(&mut out, &r, false).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("Content-Length: 3\r\n"));
        assert!(s.contains("Connection: close\r\n"));
        assert!(!s.contains("Set-Cookie"));
        assert!(s.ends_with("\r\n\r\nabc"));
    }

    #[test]
    fn hosts_and_mounts() {
        assert!(loopback_addr("127.0.0.1").is_ok());
        assert!(loopback_addr("localhost").is_ok());
        assert!(loopback_addr("::1").is_ok());
        assert!(loopback_addr("[::1]").is_ok());
        assert!(loopback_addr("0.0.0.0").is_err());
        assert!(loopback_addr("192.168.1.2").is_err());
        assert!(loopback_addr("example.com").is_err());
        assert_eq!(StaticMount::parse("www").unwrap().prefix, "/");
        let m = StaticMount::parse("/pkg/=pkg").unwrap();
        assert_eq!(
            (m.prefix.as_str(), m.dir.as_path()),
            ("/pkg", Path::new("pkg"))
        );
        assert!(StaticMount::parse("pkg=pkg").is_err());
        assert!(StaticMount::parse("/x=").is_err());
        assert_eq!(content_type(Path::new("a.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("a.d.ts")),
            "application/typescript; charset=utf-8"
        );
        assert_eq!(
            content_type(Path::new("a.mjs")),
            "text/javascript; charset=utf-8"
        );
    }
}
