//! The allocator, mimalloc, set up per command before anything allocates.
//!
//! `plan`, `apply` and `run` check whole documents and then lower them:
//! they touch about twice the memory of `check`. With mimalloc's arena
//! committed up front (and so backed by transparent huge pages), a plan of
//! 1,000 workloads takes ~550 page faults instead of ~6,700, a quarter of
//! its CPU on this kind of machine. `check` keeps committing on demand
//! (`.cargo/config.toml`): the same speed there, and a peak RSS ~8 MB lower
//! on 20,000 files.
//!
//! The same commands never purge (hand back) freed memory: mimalloc's
//! default purges it 10 ms after it is freed, and a plan of 1,000
//! workloads then purged ~28 MB in ~14 `madvise` calls, each a TLB
//! shootdown across threads (dear in a virtual machine), and faulted much
//! of it in again. Without purging it takes ~13% less CPU (perf stat,
//! task-clock 97 → 84 ms). These are short processes; the memory goes back
//! at exit.
//!
//! `check` purges at once instead (delay 0): its worker threads free their
//! parse trees file by file while the main thread then builds the project
//! from the compact documents, memory the threads' freed pages cannot
//! serve until they are handed back. Peak RSS on 20,000 files: 70.1 →
//! 65.8 MB, at no measurable CPU cost (user time 1.35–1.43 s either way).
//!
//! mimalloc reads the option when it reserves its first arena, at the
//! first allocation, which comes before `main`. So the command is read
//! from `.init_array`, as the standard library captures its arguments,
//! from glibc's `argv` and without allocating.
#![allow(unsafe_code)]

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod set_up {
    use std::ffi::{CStr, c_char, c_int, c_long};

    /// `mi_option_arena_eager_commit` in mimalloc.h's `mi_option_t`. A
    /// test reads mimalloc's own report of the option, by name.
    const ARENA_EAGER_COMMIT: c_int = 4;
    /// `mi_option_purge_delay`: milliseconds, or -1 for never.
    const PURGE_DELAY: c_int = 15;

    unsafe extern "C" {
        fn mi_option_set(option: c_int, value: c_long);
    }

    // Priority 100: after the standard library's argument capture (99),
    // before every constructor without one.
    #[used]
    #[unsafe(link_section = ".init_array.00100")]
    static SET_UP: extern "C" fn(c_int, *const *const c_char, *const *const c_char) = set_up;

    extern "C" fn set_up(argc: c_int, argv: *const *const c_char, _env: *const *const c_char) {
        if argv.is_null() {
            return;
        }
        for i in 1..usize::try_from(argc).unwrap_or(0) {
            // SAFETY: glibc calls `.init_array` functions with the
            // process's `argc` and `argv`: `argc` valid C strings.
            let arg = unsafe { CStr::from_ptr(*argv.add(i)) }.to_bytes();
            if arg.starts_with(b"-") {
                continue;
            }
            // The first word that is not an option is the command.
            if matches!(arg, b"plan" | b"apply" | b"run") {
                // SAFETY: sets two of mimalloc's static options; nothing
                // has allocated yet, so no arena exists to disagree.
                unsafe {
                    mi_option_set(ARENA_EAGER_COMMIT, 1);
                    mi_option_set(PURGE_DELAY, -1);
                }
            } else if arg == b"check" {
                // SAFETY: as above, one static option before any arena.
                unsafe { mi_option_set(PURGE_DELAY, 0) }
            }
            return;
        }
    }
}

// Parsing allocates many small nodes from two threads: mimalloc's
// thread-local free lists are measurably faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
