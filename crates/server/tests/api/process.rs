//! The binary as an operator runs it: start-up, configuration errors, `migrate`, and a
//! graceful stop on SIGTERM that lets an in-flight request finish.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Backend, TestDatabase};

const BIN: &str = env!("CARGO_BIN_EXE_alkemio-server");

fn command(db: &TestDatabase) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("DATABASE_URL", db.url())
        .env("ALKEMIO_DATA_DIR", db.dir())
        .env("ALKEMIO_BIND_ADDRESS", "127.0.0.1")
        .env("GRAPHQL_PORT", "0")
        .env("LOGGING_LEVEL_CONSOLE", "info");
    cmd
}

/// Starts `serve` and returns the child and its port, read from the start-up banner.
fn start_server(db: &TestDatabase) -> (Child, u16, std::thread::JoinHandle<()>) {
    let mut child = command(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(port) = line.strip_prefix("Alkemio server listening on port ") {
                let _ = tx.send(port.trim().parse::<u16>().unwrap());
            }
        }
    });
    let port = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the server printed its port");
    (child, port, reader)
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + within;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "the process did not exit within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn sigterm_lets_an_in_flight_request_finish_then_exits_zero() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDatabase::create(Backend::Sqlite));
    let (mut child, port, _reader) = start_server(&db);

    // A slow request: headers and half the body now, the rest after SIGTERM.
    let body = br#"{"query":"{ platform { id configuration { locations { domain } } } }"}"#;
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    stream.write_all(first).unwrap();
    stream.flush().unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let kill = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(kill.success());
    std::thread::sleep(Duration::from_millis(500));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the process waits for the in-flight request"
    );
    // no new connections once shutdown began
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "new connections are refused while draining"
    );

    stream.write_all(rest).unwrap();
    stream.flush().unwrap();
    let mut response = String::new();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"domain\":\"localhost\""), "{response}");

    let status = wait_exit(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDatabase::create(Backend::Sqlite));
    let out = command(&db)
        .env("GRAPHQL_PORT", "not-a-port")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("GRAPHQL_PORT"), "{stderr}");
}

#[test]
fn migrate_brings_each_database_up_to_date() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    for backend in [Backend::Postgres, Backend::Sqlite] {
        let db = rt.block_on(TestDatabase::create(backend));
        for _ in 0..2 {
            let out = command(&db).arg("migrate").output().unwrap();
            assert!(
                out.status.success(),
                "{backend:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8(out.stdout).unwrap();
            assert!(stdout.contains("database is up to date"), "{stdout}");
        }
    }
}

#[test]
fn print_schema_needs_no_database() {
    let out = Command::new(BIN)
        .arg("print-schema")
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success());
    let sdl = String::from_utf8(out.stdout).unwrap();
    assert!(sdl.contains("type Platform {"), "{sdl}");
}

#[test]
fn the_token_command_prints_a_token_the_server_accepts() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let db = rt.block_on(TestDatabase::create(Backend::Sqlite));
    // the embedded default: no identity provider, a signing key generated into the data dir
    let out = command(&db)
        .args(["token", "--email", "dev@example.org"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert_eq!(token.split('.').count(), 3, "a JWT: {token}");
    assert!(db.dir().join("non-interactive-login.key").exists());

    let (mut child, port, _reader) = start_server(&db);
    let body = r#"{"query":"{ me { user { email } } }"}"#;
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(
        stream,
        "POST /graphql HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(
        response.contains(r#""email":"dev@example.org""#),
        "{response}"
    );
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status();
    assert_eq!(
        wait_exit(&mut child, Duration::from_secs(10)).code(),
        Some(0)
    );
}
