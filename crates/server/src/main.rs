//! `alkemio-server`: see `alkemio-server --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    alkemio_server::cli::main()
}
