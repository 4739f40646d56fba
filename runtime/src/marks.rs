//! What one frame's poll marks in the thread's poll context: the await point that returned
//! `Pending`, and the await point whose statement or macro call the body entered last. From
//! those the poll's end state is decided.

use crate::meta::FnMeta;
use crate::state::{SEVERAL, State};

/// No await point suspended (or was entered) during this poll.
pub(crate) const NONE: u16 = u16::MAX;

/// The region of a frame that entered no await point's statement or macro call (or last
/// entered one the attribute knows nothing about): `await#?`'s own state code, so that a poll
/// ending there needs no test to say so.
pub(crate) const NO_REGION: u16 = State::Hidden.encode();

/// The await point that returned `Pending` (low half, [`NONE`] if none did) and the await
/// point whose statement or macro call the frame entered last (high half, [`NO_REGION`] if
/// none, carried in the frame between polls). Packed so that a frame saves and restores both with one load and one store.
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
    ///
    /// When several points returned `Pending`, their [`Pended`] set waits in the thread's poll
    /// context: `several` is called then (with whether the poll suspended, so its points
    /// count as suspended there) to take it. Only that rare poll pays for it.
    #[inline(always)]
    pub(crate) fn end_code(self, meta: &FnMeta, ready: bool, several: impl FnOnce(bool)) -> u16 {
        let suspended = self.suspended();
        if ready {
            if self.has_several() {
                several(false);
            }
            State::Returned.encode()
        } else if suspended == NONE {
            // Tested first: a statement with one plain `.await`, the most common, is marked by
            // its region only. The region is an await point's code, or `await#?`'s.
            self.region()
        } else if suspended < SEVERAL {
            suspended
        } else {
            several(true);
            meta.branch_call(suspended & !SEVERAL)
        }
    }

    /// Whether several await points returned `Pending` (their set is in the poll context).
    #[inline(always)]
    pub(crate) const fn has_several(self) -> bool {
        // `SEVERAL..NONE` in one compare.
        self.suspended().wrapping_sub(SEVERAL) < NONE - SEVERAL
    }
}

/// The await points that returned `Pending` in one poll of a frame when more than one did (the
/// branches of a `join!` or `select!` call): a bit per point from `base`, the lowest seen. A
/// call's branches are numbered one after another, so 64 bits hold all but a very wide call's;
/// points further than that from the lowest are left out.
#[derive(Clone, Copy)]
pub(crate) struct Pended {
    base: u16,
    bits: u64,
    /// Whether, when this set was started, another frame's set was live (an outer frame's
    /// poll had several points pending too) and put aside, to be put back when this one ends.
    pub(crate) restore: bool,
}

impl Pended {
    /// No point.
    pub(crate) const EMPTY: Pended = Pended {
        base: 0,
        bits: 0,
        restore: false,
    };

    /// The set of points `a` and `b`.
    pub(crate) fn of(a: u16, b: u16, restore: bool) -> Self {
        Pended {
            base: a,
            bits: 1,
            restore,
        }
        .with(b)
    }

    /// Whether no point is in the set.
    pub(crate) fn is_empty(self) -> bool {
        self.bits == 0
    }

    /// This set with point `index` in it too.
    pub(crate) fn with(self, index: u16) -> Self {
        if self.bits == 0 {
            return Pended {
                base: index,
                bits: 1,
                ..self
            };
        }
        if index >= self.base {
            let bit = 1u64.checked_shl(u32::from(index - self.base)).unwrap_or(0);
            return Pended {
                bits: self.bits | bit,
                ..self
            };
        }
        // Below the lowest so far: the set moves down if its highest point still fits.
        let shift = u32::from(self.base - index);
        match self.bits.checked_shl(shift) {
            Some(bits) if bits >> shift == self.bits => Pended {
                base: index,
                bits: bits | 1,
                ..self
            },
            _ => self,
        }
    }

    /// The points in the set, lowest first.
    pub(crate) fn indices(self) -> impl Iterator<Item = u16> {
        (0u16..64)
            .filter(move |i| self.bits >> i & 1 == 1)
            .filter_map(move |i| self.base.checked_add(i))
    }
}
