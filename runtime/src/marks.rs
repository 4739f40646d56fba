//! What one frame's poll marks in the thread's poll context: the await point that returned
//! `Pending`, and the await point whose statement or macro call the body entered last. From
//! those the poll's end state is decided.

use crate::meta::FnMeta;
use crate::state::{SEVERAL, State};

/// No await point suspended (or was entered) during this poll.
pub(crate) const NONE: u16 = u16::MAX;

/// The await point that returned `Pending` (low half, [`NONE`] if none did) and the await
/// point whose statement or macro call the frame entered last (high half, carried in the frame
/// between polls). Packed so that a frame saves and restores both with one load and one store.
#[derive(Clone, Copy)]
pub(crate) struct Marks(u32);

impl Marks {
    /// The marks at the start of a poll resuming in `region`.
    #[inline(always)]
    pub(crate) const fn entering(region: u16) -> Self {
        Marks((region as u32) << 16 | NONE as u32)
    }

    #[inline(always)]
    pub(crate) const fn suspended(self) -> u16 {
        self.0 as u16
    }

    #[inline(always)]
    pub(crate) const fn region(self) -> u16 {
        (self.0 >> 16) as u16
    }

    /// These marks after await point `index` returned `Pending`.
    #[inline(always)]
    pub(crate) const fn suspending_at(self, index: u16) -> Self {
        // A second await point pending in the same poll (another branch of a `join!` or
        // `select!`) marks the code, so the frame can blame the whole call.
        let before = self.suspended();
        let several = if before == NONE || before == index {
            0
        } else {
            SEVERAL
        };
        Marks(self.0 & 0xFFFF_0000 | (index | several) as u32)
    }

    /// These marks after the body entered the statement or macro call of await point `index`.
    #[inline(always)]
    pub(crate) const fn entering_region(self, index: u16) -> Self {
        Marks((index as u32) << 16 | self.0 & 0xFFFF)
    }

    /// The state a poll ends in, encoded: `Returned` when ready, else the await point that
    /// suspended (the whole `join!`/`select!` call when several of its branches did), else the
    /// last suspending statement or macro call entered, else `Hidden`.
    #[inline(always)]
    pub(crate) fn end_code(self, meta: &FnMeta, ready: bool) -> u16 {
        let suspended = self.suspended();
        if ready {
            State::Returned.encode()
        } else if suspended < SEVERAL {
            suspended
        } else if suspended != NONE {
            meta.branch_call(suspended & !SEVERAL)
        } else if self.region() != NONE {
            self.region()
        } else {
            State::Hidden.encode()
        }
    }
}
