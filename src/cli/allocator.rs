//! Tuning of glibc's allocator for a command's pattern of memory use, in one place (and
//! with its one `unsafe` call). Each function must be called before the command starts
//! any thread; with another C library they change nothing.

/// Lets `build`'s threads share the allocator's arenas, one per core. glibc gives each
/// new thread an arena of its own, and what one arena frees cannot serve another, so the
/// model freed before rendering and each emitter's passing buffers added up instead of
/// being reused: at scale 100 the peak was 126 MB, about 100 MB with shared arenas (and
/// the same time).
pub fn share_arenas() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    set(Param::ArenaMax, i32::try_from(cores).unwrap_or(i32::MAX));
}

/// Keeps the memory a `serve` rebuild frees for the next one. glibc gives freed memory
/// back to the system (and serves buffers of 128 KB and more from fresh mappings), so
/// every rebuild after a save paid again for zeroed pages: about a sixth of it at scale
/// 30, and most of its spread (scripts/reload-latency: median 98 -> 86 ms, p95 125 -> 93
/// ms). The server's memory then stays at its largest rebuild's, which it reaches on every
/// save anyway.
pub fn keep_memory_warm() {
    // The largest values glibc takes (32 MB is its ceiling for the mapping threshold on
    // 64-bit systems; the trim threshold has none).
    set(Param::MmapThreshold, 32 * 1024 * 1024);
    set(Param::TrimThreshold, i32::MAX);
}

/// The tuning parameters used here.
#[derive(Clone, Copy)]
enum Param {
    ArenaMax,
    MmapThreshold,
    TrimThreshold,
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn set(param: Param, value: i32) {
    let param = match param {
        Param::ArenaMax => libc::M_ARENA_MAX,
        Param::MmapThreshold => libc::M_MMAP_THRESHOLD,
        Param::TrimThreshold => libc::M_TRIM_THRESHOLD,
    };
    // SAFETY: mallopt only changes a tuning parameter of the allocator; the callers run
    // before any thread starts, and a refusal (0) changes nothing.
    unsafe {
        libc::mallopt(param, value);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn set(_param: Param, _value: i32) {}
