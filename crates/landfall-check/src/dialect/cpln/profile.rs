//! Control Plane's own numbers, which hold on its files unless a landfall
//! Platform document is in the tree: landfall's defaults are Control
//! Plane's already, with the minimums its workload reference gives since
//! (CPU 25 millicores, memory 32 MiB).

use std::sync::OnceLock;

use landfall_model::quantity::parse_quantity;
use landfall_rules::{EffectivePlatform, Setting};

pub(crate) fn get() -> &'static EffectivePlatform<'static> {
    static PROFILE: OnceLock<EffectivePlatform<'static>> = OnceLock::new();
    PROFILE.get_or_init(|| {
        let mut platform = EffectivePlatform::new(None);
        platform.cpu_min = Setting {
            value: parse_quantity("25m").expect("a quantity"),
            span: None,
        };
        platform.memory_min = Setting {
            value: parse_quantity("32Mi").expect("a quantity"),
            span: None,
        };
        platform
    })
}
