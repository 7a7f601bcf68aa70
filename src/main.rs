use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = match harden::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    harden::cli::run(cli).into()
}
