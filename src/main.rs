use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match harden::cli::parse() {
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
