//! The `sessim` binary: all of it lives in the library.

/// jemalloc, built to use transparent huge pages (see `.cargo/config.toml`): the session
/// table and its index span tens of MiB, visited at random.
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    sessim::front::app::main()
}
