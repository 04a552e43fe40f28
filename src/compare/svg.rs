//! The comparison's chart as SVG, for slides: expired sessions held over time, one line per
//! strategy, with a legend. Drawn with plotters' SVG backend; text is left to the viewer's
//! fonts.

use plotters::prelude::*;

use super::Comparison;
use crate::gc::Kind;
use crate::{Error, Result};

/// Each strategy's colour, the same whichever strategies are drawn.
fn colour(kind: Kind) -> RGBColor {
    match kind {
        Kind::Timer => RGBColor(31, 119, 180),
        Kind::Lazy => RGBColor(214, 39, 40),
        Kind::Php => RGBColor(44, 160, 44),
        Kind::Sampling => RGBColor(148, 103, 189),
    }
}

/// The chart of `c` as an SVG document.
pub fn svg(c: &Comparison) -> Result<String> {
    let mut out = String::new();
    draw(c, &mut out).map_err(|e| Error::Invalid(format!("the SVG chart failed: {e}")))?;
    Ok(out)
}

fn draw(c: &Comparison, out: &mut String) -> std::result::Result<(), Box<dyn std::error::Error>> {
    let root = SVGBackend::with_string(out, (960, 540)).into_drawing_area();
    root.fill(&WHITE)?;
    let start = c.start;
    let hours = |t: crate::basics::time::Time| t.nanos_since(start) as f64 / 3.6e12;
    let last = c.points.last().map_or(1.0, |&t| hours(t)).max(1e-9);
    let top = c
        .series
        .iter()
        .flat_map(|s| s.expired_held.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let mut chart = ChartBuilder::on(&root)
        .caption(
            format!(
                "Expired sessions held: {} visitors an hour, seed {}",
                c.rate, c.seed
            ),
            ("sans-serif", 26),
        )
        .margin(20)
        .x_label_area_size(45)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..last, 0u64..top + top / 10 + 1)?;
    chart
        .configure_mesh()
        .x_desc("hours of traffic")
        .y_desc("expired sessions held")
        .draw()?;
    for s in &c.series {
        let colour = colour(s.strategy);
        let line = c
            .points
            .iter()
            .zip(&s.expired_held)
            .map(|(&t, &held)| (hours(t), held));
        chart
            .draw_series(LineSeries::new(line, colour.stroke_width(2)))?
            .label(s.strategy.name())
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 24, y)], colour.stroke_width(2))
            });
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .border_style(BLACK)
        .background_style(WHITE.mix(0.9))
        .draw()?;
    root.present()?;
    Ok(())
}
