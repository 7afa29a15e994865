//! The disclosure as a PDF a patient can read: Japanese text set in a TrueType font that is
//! embedded as a CID font (`Identity-H`) with a ToUnicode map, so the text can be searched,
//! copied and read aloud. Only the glyphs the document uses are embedded (the `subsetter`
//! crate, made for PDF writers): the whole font would make every disclosure about 6 MB. The font is the installation's: `TSUNAGU_PDF_FONT`, or
//! IPAex Gothic where Debian's `fonts-ipaexfont-gothic` puts it.

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use std::path::PathBuf;
use tsunagu_domain::exchange::disclosure::DocLine;
use ttf_parser::{Face, GlyphId};

const FONT_PATHS: &[&str] = &[
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
];

/// A4, in points.
const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 50.0;

/// Where the Japanese font is, if the installation has one.
pub fn japanese_font() -> Option<PathBuf> {
    std::env::var_os("TSUNAGU_PDF_FONT")
        .map(PathBuf::from)
        .into_iter()
        .chain(FONT_PATHS.iter().map(PathBuf::from))
        .find(|p| p.is_file())
}

/// One line of text placed on a page.
struct Run {
    size: f32,
    y: f32,
    glyphs: Vec<u16>,
}

/// The lines as an A4 PDF in the given TrueType font; `None` when the font cannot be read.
pub fn render(lines: &[DocLine], font: &[u8]) -> Option<Vec<u8>> {
    let face = Face::parse(font, 0).ok()?;
    let per_em = f32::from(face.units_per_em());
    // Glyph advances in the PDF's text space (thousandths of the font size).
    let advance =
        |g: u16| f32::from(face.glyph_hor_advance(GlyphId(g)).unwrap_or(0)) * 1000.0 / per_em;
    let (width, height) = PAGE;
    let mut used: BTreeMap<u16, char> = BTreeMap::new();
    let mut pages: Vec<Vec<Run>> = vec![Vec::new()];
    let mut y = height - MARGIN;
    for line in lines {
        let (text, size, space_before) = match line {
            DocLine::Title(t) => (t, 16.0, 0.0),
            DocLine::Heading(t) => (t, 12.0, 10.0),
            DocLine::Text(t) => (t, 9.5, 0.0),
        };
        // Wrapped at the margin, character by character (Japanese has no spaces to break at).
        let mut rows: Vec<Vec<u16>> = vec![Vec::new()];
        let mut filled = 0.0;
        for ch in text.chars() {
            let g = face.glyph_index(ch).map_or(0, |g| g.0);
            let w = advance(g) * size / 1000.0;
            if filled + w > width - 2.0 * MARGIN && rows.last().is_some_and(|r| !r.is_empty()) {
                rows.push(Vec::new());
                filled = 0.0;
            }
            filled += w;
            used.entry(g).or_insert(ch);
            if let Some(r) = rows.last_mut() {
                r.push(g);
            }
        }
        y -= space_before;
        for glyphs in rows {
            let leading = size * 1.6;
            if y - leading < MARGIN {
                pages.push(Vec::new());
                y = height - MARGIN;
            }
            y -= leading;
            if let Some(p) = pages.last_mut() {
                p.push(Run { size, y, glyphs });
            }
        }
    }

    // The subset keeps the glyphs used (and the parts of composite ones), renumbered from 1;
    // the document addresses them by their new numbers, which are also their CIDs.
    let mut remapper = subsetter::GlyphRemapper::new();
    for g in used.keys() {
        remapper.remap(*g);
    }
    let embedded = subsetter::subset(font, 0, &remapper).ok()?;
    let cid_of = |g: u16| remapper.get(g).unwrap_or(0);

    let mut next = 0;
    let mut alloc = || {
        next += 1;
        Ref::new(next)
    };
    let (catalog, tree, type0, cid, descriptor, file, cmap_id) = (
        alloc(),
        alloc(),
        alloc(),
        alloc(),
        alloc(),
        alloc(),
        alloc(),
    );
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (alloc(), alloc())).collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().map(|p| p.0))
        .count(i32::try_from(page_ids.len()).ok()?);
    for ((page_id, content_id), runs) in page_ids.iter().zip(&pages) {
        let mut page = pdf.page(*page_id);
        page.media_box(Rect::new(0.0, 0.0, width, height));
        page.parent(tree);
        page.contents(*content_id);
        page.resources().fonts().pair(Name(b"F1"), type0);
        page.finish();
        let mut content = Content::new();
        for r in runs {
            let bytes: Vec<u8> = r
                .glyphs
                .iter()
                .flat_map(|g| cid_of(*g).to_be_bytes())
                .collect();
            content.begin_text();
            content.set_font(Name(b"F1"), r.size);
            content.next_line(MARGIN, r.y);
            content.show(Str(&bytes));
            content.end_text();
        }
        pdf.stream(*content_id, &content.finish());
    }

    // A subset's name carries a six-letter tag (PDF 32000-1 §9.6.4).
    let base = Name(b"TSUNAG+IPAexGothic");
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap_id);
    let mut cid_font = pdf.cid_font(cid);
    cid_font
        .subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(system)
        .font_descriptor(descriptor)
        .default_width(1000.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = cid_font.widths();
        for g in used.keys() {
            widths.consecutive(cid_of(*g), [advance(*g)]);
        }
    }
    cid_font.finish();
    let scale = |v: i16| f32::from(v) * 1000.0 / per_em;
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min),
            scale(bbox.y_min),
            scale(bbox.x_max),
            scale(bbox.y_max),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.ascender()))
        .descent(scale(face.descender()))
        .cap_height(scale(face.capital_height().unwrap_or(face.ascender())))
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, &embedded)
        .pair(Name(b"Length1"), i32::try_from(embedded.len()).ok()?);
    let mut cmap = UnicodeCmap::new(Name(b"Tsunagu-UCS"), system);
    for (g, ch) in &used {
        cmap.pair(cid_of(*g), *ch);
    }
    pdf.cmap(cmap_id, &cmap.finish());
    Some(pdf.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_without_a_font_is_not_made() {
        assert!(render(&[DocLine::Text("山田".into())], b"not a font").is_none());
    }
}
