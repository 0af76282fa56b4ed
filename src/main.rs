// mimalloc, not the system allocator: a check builds and drops many small
// strings (a Vale style set's findings on a long document run to tens of
// thousands), and glibc's malloc made that about a tenth of the check's
// time (docs/vale.md, "Speed"). The benches that check in-process use it
// too, so that they measure what this binary runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    copydesk::cli::main()
}
