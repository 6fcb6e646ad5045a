//! Starts the real `expense-auth-sandbox` binary on 127.0.0.1 port 0 and talks HTTP/1.1 to
//! it over a plain TcpStream (loopback only).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Running {
    child: Child,
    addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(args: &[&str]) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_expense-auth-sandbox"))
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn sandbox binary");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let line = line.trim_end();
    let prefix = "expense-auth-sandbox listening on http://127.0.0.1:";
    assert!(line.starts_with(prefix), "first line: {line:?}");
    let port: u16 = line[prefix.len()..].parse().expect("port");
    assert_ne!(port, 0);
    Running {
        child,
        addr: format!("127.0.0.1:{port}"),
    }
}

/// Reads one HTTP/1.1 response (Content-Length framed) → (status, headers, body).
fn read_response(r: &mut BufReader<TcpStream>) -> (u16, Vec<(String, String)>, Vec<u8>) {
    let mut status_line = String::new();
    r.read_line(&mut status_line).unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = Vec::new();
    loop {
        let mut l = String::new();
        r.read_line(&mut l).unwrap();
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':').unwrap();
        headers.push((k.to_ascii_lowercase(), v.trim().to_string()));
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap_or(0);
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    (status, headers, body)
}

fn connect(addr: &str) -> (TcpStream, BufReader<TcpStream>) {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let r = BufReader::new(s.try_clone().unwrap());
    (s, r)
}

fn header<'a>(h: &'a [(String, String)], k: &str) -> Option<&'a str> {
    h.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

#[test]
fn binary_serves_http_on_loopback_with_keep_alive() {
    let srv = start(&[]);
    let (mut s, mut r) = connect(&srv.addr);
    // Request 1: clock.
    write!(
        s,
        "GET /_sandbox/clock HTTP/1.1\r\nHost: {}\r\n\r\n",
        srv.addr
    )
    .unwrap();
    let (status, headers, body) = read_response(&mut r);
    assert_eq!(status, 200);
    // HTTP/1.1 keeps the connection open by default (RFC 9112 §9.3); the next two requests
    // reuse it.
    assert_ne!(header(&headers, "connection"), Some("close"));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(v["now"].as_u64().unwrap() > 1_600_000_000);
    // Request 2 on the same connection: a token request with a body.
    let form =
        "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret";
    write!(
        s,
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    )
    .unwrap();
    let (status, headers, body) = read_response(&mut r);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(header(&headers, "cache-control"), Some("no-store"));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let at = v["access_token"].as_str().unwrap().to_string();
    // Request 3: protected API, then close.
    write!(
        s,
        "GET /oauth/api/me HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {at}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let (status, headers, _) = read_response(&mut r);
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "connection"), Some("close"));
    let mut rest = Vec::new();
    let _ = r.read_to_end(&mut rest);
    assert!(rest.is_empty());
}

#[test]
fn binary_faults_chunked_and_preflight() {
    let srv = start(&[]);
    let (mut s, mut r) = connect(&srv.addr);
    // 204 preflight has no body and keeps the connection usable.
    write!(
        s,
        "OPTIONS /pleo/oauth/token HTTP/1.1\r\nHost: x\r\nOrigin: http://localhost:5173\r\n\r\n"
    )
    .unwrap();
    let (status, headers, _) = read_response(&mut r);
    assert_eq!(status, 204);
    assert_eq!(header(&headers, "access-control-max-age"), Some("600"));
    // Install a drop fault, then see the socket close without a response.
    let body = r#"{"path":"/pleo/oauth/token","kind":"drop"}"#;
    write!(
        s,
        "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    assert_eq!(read_response(&mut r).0, 201);
    write!(
        s,
        "POST /pleo/oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    let n = r.read_to_end(&mut buf).unwrap_or(0);
    assert_eq!(n, 0, "dropped connection must not answer");
    // Chunked request bodies are decoded by the HTTP stack (they used to get 411).
    let (mut s, mut r) = connect(&srv.addr);
    let form =
        "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret";
    let (a, b) = form.split_at(20);
    write!(
        s,
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
    .unwrap();
    let (status, _, body) = read_response(&mut r);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    // A chunked body over 1 MiB → 413, however it is framed.
    let (mut s, mut r) = connect(&srv.addr);
    write!(
        s,
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..17 {
        if write!(s, "{:x}\r\n", chunk.len()).is_err()
            || s.write_all(&chunk).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n");
    assert_eq!(read_response(&mut r).0, 413);
    // A request head over 64 KiB → 431.
    let (mut s, mut r) = connect(&srv.addr);
    let _ = write!(
        s,
        "GET /_sandbox/clock HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "a".repeat(70 * 1024)
    );
    assert_eq!(read_response(&mut r).0, 431);
    // Oversized Content-Length → 413 without reading the body.
    let (mut s, mut r) = connect(&srv.addr);
    write!(
        s,
        "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n"
    )
    .unwrap();
    assert_eq!(read_response(&mut r).0, 413);
}

#[test]
fn binary_serves_static_files_without_traversal() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("sandbox-static-{}", std::process::id()));
    let www = root.join("www");
    let pkg = root.join("pkg");
    std::fs::create_dir_all(&www).unwrap();
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(www.join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::write(pkg.join("expense_auth_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    std::fs::write(pkg.join("expense_auth.d.ts"), "export {};").unwrap();
    std::fs::write(root.join("secret.txt"), "outside").unwrap();
    let srv = start(&[
        "--static",
        &format!("/={}", www.display()),
        "--static",
        &format!("/pkg={}", pkg.display()),
    ]);
    let get = |path: &str| {
        let (mut s, mut r) = connect(&srv.addr);
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        read_response(&mut r)
    };
    let (status, headers, body) = get("/");
    assert_eq!(status, 200);
    assert_eq!(body, b"<h1>demo</h1>");
    assert_eq!(header(&headers, "access-control-allow-origin"), Some("*"));
    assert_eq!(
        header(&headers, "access-control-expose-headers"),
        Some("WWW-Authenticate")
    );
    assert!(header(&headers, "content-type")
        .unwrap()
        .starts_with("text/html"));
    let (status, headers, _) = get("/pkg/expense_auth_bg.wasm");
    assert_eq!(status, 200);
    assert_eq!(header(&headers, "content-type"), Some("application/wasm"));
    let (status, headers, _) = get("/pkg/expense_auth.d.ts");
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type")
        .unwrap()
        .contains("typescript"));
    assert_eq!(get("/pkg").0, 301);
    for evil in [
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/pkg/%2E%2E%2Fsecret.txt",
        "/missing.js",
    ] {
        assert_eq!(get(evil).0, 404, "{evil}");
    }
    // API routes still win over the "/" mount.
    assert_eq!(get("/_sandbox/clock").0, 200);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn binary_refuses_non_loopback_host() {
    let out = Command::new(env!("CARGO_BIN_EXE_expense-auth-sandbox"))
        .args(["--host", "0.0.0.0", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("non-loopback"));
}

#[test]
fn binary_slow_fault_does_not_block_other_connections() {
    let srv = start(&[]);
    let (mut s, mut r) = connect(&srv.addr);
    let body = r#"{"path":"/pleo/v1/expenses","kind":"slow","delay_ms":1500}"#;
    write!(
        s,
        "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    assert_eq!(read_response(&mut r).0, 201);
    let started = std::time::Instant::now();
    write!(s, "GET /pleo/v1/expenses HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    // While the slow answer sleeps, the state lock is free.
    let (mut s2, mut r2) = connect(&srv.addr);
    write!(s2, "GET /_sandbox/stats HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    assert_eq!(read_response(&mut r2).0, 200);
    assert!(
        started.elapsed() < Duration::from_millis(1200),
        "{:?}",
        started.elapsed()
    );
    let (status, _, _) = read_response(&mut r);
    assert_eq!(status, 401); // answered normally (no token), after the delay
    assert!(started.elapsed() >= Duration::from_millis(1500));
}

#[test]
fn binary_handles_concurrent_connections() {
    let srv = start(&[]);
    let form =
        "grant_type=client_credentials&client_id=sandbox-client&client_secret=sandbox-secret";
    let handles: Vec<_> = (0..24)
        .map(|_| {
            let addr = srv.addr.clone();
            std::thread::spawn(move || {
                let (mut s, mut r) = connect(&addr);
                write!(
                    s,
                    "POST /oauth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
                    form.len()
                )
                .unwrap();
                read_response(&mut r).0
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
    let (mut s, mut r) = connect(&srv.addr);
    write!(s, "GET /_sandbox/stats HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let (_, _, body) = read_response(&mut r);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["token_requests"]["oauth:client_credentials"], 24);
}

#[cfg(unix)]
#[test]
fn binary_shuts_down_gracefully_on_sigterm() {
    let mut srv = start(&[]);
    let (mut s, mut r) = connect(&srv.addr);
    let body = r#"{"path":"/pleo/v1/expenses","kind":"slow","delay_ms":800}"#;
    write!(
        s,
        "POST /_sandbox/faults HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    assert_eq!(read_response(&mut r).0, 201);
    // An idle keep-alive connection, and a request in flight when SIGTERM arrives.
    let (_idle, mut idle_r) = connect(&srv.addr);
    write!(s, "GET /pleo/v1/expenses HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = srv.child.id().to_string();
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    // The request in flight still gets its answer; then the connection closes.
    let (status, headers, _) = read_response(&mut r);
    assert_eq!(status, 401);
    assert_eq!(header(&headers, "connection"), Some("close"));
    let mut rest = Vec::new();
    let _ = r.read_to_end(&mut rest);
    assert!(rest.is_empty());
    // The idle connection is closed, and the process exits with success.
    let mut buf = Vec::new();
    assert_eq!(idle_r.read_to_end(&mut buf).unwrap_or(0), 0);
    let code = srv.child.wait().unwrap();
    assert!(code.success(), "{code:?}");
    // New connections are refused.
    assert!(TcpStream::connect(&srv.addr).is_err());
}

#[test]
fn binary_speaks_http_1_0() {
    let srv = start(&[]);
    let (mut s, mut r) = connect(&srv.addr);
    write!(s, "GET /_sandbox/clock HTTP/1.0\r\n\r\n").unwrap();
    let (status, _, body) = read_response(&mut r);
    assert_eq!(status, 200);
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert!(v["now"].as_u64().is_some());
    // HTTP/1.0 without keep-alive: the server closes the connection.
    let mut rest = Vec::new();
    let _ = r.read_to_end(&mut rest);
    assert!(rest.is_empty());
}
