//! Size classes of localities from population, with documented, configurable thresholds.

use crate::vocab::SizeClass;
use serde::{Deserialize, Serialize};

/// Population thresholds (inclusive lower bounds) of the size classes.
///
/// Defaults: `medium_town_min = 100_001` follows file 004 ("medium towns - with more than 100,000
/// inhabitants"); `small_town_min = 5_000` and `large_city_min = 250_000` are mlgov's assumptions —
/// no bundled source states them — and can be changed by the user.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct SizeThresholds {
    /// Smallest population of a small town.
    pub small_town_min: u64,
    /// Smallest population of a medium town.
    pub medium_town_min: u64,
    /// Smallest population of a large city.
    pub large_city_min: u64,
}

impl Default for SizeThresholds {
    fn default() -> Self {
        SizeThresholds { small_town_min: 5_000, medium_town_min: 100_001, large_city_min: 250_000 }
    }
}

impl SizeThresholds {
    /// The class of a population.
    pub fn classify(&self, population: u64) -> SizeClass {
        if population >= self.large_city_min {
            SizeClass::LargeCity
        } else if population >= self.medium_town_min {
            SizeClass::MediumTown
        } else if population >= self.small_town_min {
            SizeClass::SmallTown
        } else {
            SizeClass::RuralArea
        }
    }
}
