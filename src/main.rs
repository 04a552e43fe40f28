//! The `sessim` binary: all of it lives in the library.

fn main() -> std::process::ExitCode {
    sessim::app::main()
}
