//! `expense-auth-sandbox [--host 127.0.0.1] [--port 0] [--static DIR | --static /prefix=DIR]...`
//!
//! Serves the sandbox on a loopback address. The first stdout line is exactly
//! `expense-auth-sandbox listening on http://127.0.0.1:<port>`; request logs go to stderr.

use expense_auth_sandbox::server::{Server, ServerConfig, StaticMount};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: expense-auth-sandbox [--host 127.0.0.1] [--port 0] [--static DIR | --static /prefix=DIR]...
  --host H      loopback address to bind (127.0.0.1, ::1, localhost); anything else is refused
  --port P      TCP port; 0 (default) picks a free port
  --static S    serve files: DIR at /, or /prefix=DIR (repeatable), e.g. --static /=www --static /pkg=pkg";

fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<ServerConfig>, String> {
    let mut cfg = ServerConfig::default();
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args.next().ok_or_else(|| format!("{name} needs a value")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--host" => cfg.host = value("--host")?,
            "--port" => {
                let v = value("--port")?;
                cfg.port = v
                    .parse()
                    .map_err(|_| format!("--port {v}: not a port number"))?;
            }
            "--static" => cfg.statics.push(StaticMount::parse(&value("--static")?)?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(Some(cfg))
}

fn main() -> ExitCode {
    let cfg = match parse_args(std::env::args().skip(1)) {
        Ok(Some(c)) => c,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("expense-auth-sandbox: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let server = match Server::bind(&cfg) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("expense-auth-sandbox: {e}");
            return ExitCode::from(2);
        }
    };
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "expense-auth-sandbox listening on {}", server.url());
        let _ = out.flush();
    }
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("expense-auth-sandbox: {e}");
            ExitCode::FAILURE
        }
    }
}
