//! Distances on the Earth's surface, for lead times derived from distance and for disruptions
//! that strike a circle around a point.

/// Mean Earth radius (IUGG), in km.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// The great-circle distance between two points given in degrees, by the haversine formula.
pub fn great_circle_km(from: (f64, f64), to: (f64, f64)) -> f64 {
    let (lat1, lon1) = (from.0.to_radians(), from.1.to_radians());
    let (lat2, lon2) = (to.0.to_radians(), to.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::great_circle_km;

    #[test]
    fn known_distances() {
        // Houston to New Orleans is about 510 km; a quarter of a meridian is about 10,008 km.
        let houston_new_orleans = great_circle_km((29.7604, -95.3698), (29.9511, -90.0715));
        assert!((houston_new_orleans - 510.0).abs() < 10.0, "{houston_new_orleans}");
        let quarter = great_circle_km((0.0, 0.0), (90.0, 0.0));
        assert!((quarter - 10_007.5).abs() < 1.0, "{quarter}");
        assert_eq!(great_circle_km((12.0, 34.0), (12.0, 34.0)), 0.0);
    }
}
