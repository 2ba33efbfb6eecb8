//===- Picture.cpp - an SVG of the searched patterns ----------------------===//
#include "Picture.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>

namespace ternion::search {
namespace {

const char *patternColor(HeadPatternKind kind) {
  switch (kind) {
  case HeadPatternKind::AShape:
    return "#4e79a7";
  case HeadPatternKind::VerticalSlash:
    return "#f28e2b";
  case HeadPatternKind::BlockSparse:
    return "#59a14f";
  case HeadPatternKind::Dense:
    return "#9d9d9d";
  }
  return "#000000";
}

std::string budgetText(const HeadPattern &p) {
  switch (p.kind) {
  case HeadPatternKind::AShape:
    return std::to_string(p.first) + "+" + std::to_string(p.second);
  case HeadPatternKind::VerticalSlash:
    return std::to_string(p.first) + "v " + std::to_string(p.second) + "s";
  case HeadPatternKind::BlockSparse:
    return std::to_string(p.first) + " blk";
  case HeadPatternKind::Dense:
    return "dense";
  }
  return "";
}

} // namespace

std::vector<uint8_t> keptCells(const PatternIndex &index, int64_t queries, int64_t keys,
                               int64_t cells) {
  std::vector<uint8_t> kept(cells * cells, 0);
  int64_t offset = keys - queries;
  for (size_t b = 0; b < index.blocks.size(); ++b) {
    int64_t first = int64_t(b) * 64, last = std::min<int64_t>(first + 64, queries) - 1;
    auto mark = [&](int64_t key) {
      for (int64_t r = first; r <= last; ++r)
        if (key <= r + offset)
          kept[(r * cells / queries) * cells + key * cells / keys] = 1;
    };
    for (auto [start, end] : index.blocks[b].ranges)
      for (int64_t key = start; key < end; ++key)
        mark(key);
    for (int64_t key : index.blocks[b].columns)
      mark(key);
  }
  return kept;
}

std::string renderSvg(const PatternFile &file, const std::vector<ExampleMap> &examples,
                      const std::string &title) {
  std::string text;
  llvm::raw_string_ostream os(text);
  size_t heads = 0;
  for (const auto &layer : file.layers)
    heads = std::max(heads, layer.size());
  const int cellW = 92, cellH = 46, left = 70, top = 60;
  int gridW = left + int(heads) * cellW + 20;
  int gridH = top + int(file.layers.size()) * cellH + 50;
  const int mapSize = 260, mapGap = 30;
  int mapsW = left + int(examples.size()) * (mapSize + mapGap);
  int width = std::max({gridW, mapsW, 640});
  int height = gridH + (examples.empty() ? 0 : mapSize + 70);
  os << "<svg xmlns='http://www.w3.org/2000/svg' width='" << width << "' height='" << height
     << "' font-family='sans-serif' font-size='11'>\n"
     << "<rect width='100%' height='100%' fill='white'/>\n"
     << "<text x='10' y='20' font-size='14' font-weight='bold'>" << title << "</text>\n"
     << "<text x='10' y='38' fill='#555'>Pattern per layer and head: budget, output recall "
        "against dense attention, density (share of dense attention's key blocks)</text>\n";
  for (size_t h = 0; h < heads; ++h)
    os << "<text x='" << left + int(h) * cellW + cellW / 2 << "' y='" << top - 6
       << "' text-anchor='middle'>head " << h << "</text>\n";
  for (size_t l = 0; l < file.layers.size(); ++l) {
    int y = top + int(l) * cellH;
    os << "<text x='10' y='" << y + cellH / 2 + 4 << "'>layer " << l << "</text>\n";
    for (size_t h = 0; h < file.layers[l].size(); ++h) {
      const HeadPattern &p = file.layers[l][h];
      int x = left + int(h) * cellW;
      os << "<rect x='" << x + 1 << "' y='" << y + 1 << "' width='" << cellW - 2 << "' height='"
         << cellH - 2 << "' fill='" << patternColor(p.kind) << "' fill-opacity='"
         << llvm::format("%.2f", 0.35 + 0.65 * std::clamp(p.recall.value_or(1.0), 0.0, 1.0))
         << "'/>\n";
      os << "<text x='" << x + cellW / 2 << "' y='" << y + 17 << "' text-anchor='middle'>"
         << budgetText(p) << "</text>\n";
      os << "<text x='" << x + cellW / 2 << "' y='" << y + 33 << "' text-anchor='middle'>"
         << llvm::format("r %.3f d %.2f", p.recall.value_or(1.0), p.density.value_or(1.0))
         << "</text>\n";
    }
  }
  // Legend.
  int legendY = top + int(file.layers.size()) * cellH + 22;
  int legendX = left;
  for (HeadPatternKind kind : {HeadPatternKind::AShape, HeadPatternKind::VerticalSlash,
                               HeadPatternKind::BlockSparse, HeadPatternKind::Dense}) {
    os << "<rect x='" << legendX << "' y='" << legendY - 10 << "' width='12' height='12' fill='"
       << patternColor(kind) << "'/><text x='" << legendX + 16 << "' y='" << legendY << "'>"
       << patternKindName(kind).str() << "</text>\n";
    legendX += 120;
  }
  // Example maps: log-scaled dense attention, computed cells tinted.
  int mapTop = gridH + 30;
  for (size_t e = 0; e < examples.size(); ++e) {
    const ExampleMap &map = examples[e];
    int x0 = left + int(e) * (mapSize + mapGap);
    os << "<text x='" << x0 << "' y='" << mapTop - 8 << "'>layer " << map.layer << " head "
       << map.head << ": " << patternKindName(map.pattern.kind).str() << " "
       << budgetText(map.pattern) << "</text>\n";
    double cell = double(mapSize) / double(map.cells);
    float peak = *std::max_element(map.attention.begin(), map.attention.end());
    for (int64_t r = 0; r < map.cells; ++r)
      for (int64_t c = 0; c < map.cells; ++c) {
        float a = map.attention[r * map.cells + c];
        // Shade by log10 of the probability, from 1e-5 of the peak up.
        double shade = a > 0 ? std::clamp(1.0 + std::log10(a / peak) / 5.0, 0.0, 1.0) : 0.0;
        int gray = int(255 - 235 * shade);
        bool kept = map.kept[r * map.cells + c];
        if (!kept && a == 0)
          continue;
        os << "<rect x='" << llvm::format("%.1f", x0 + c * cell) << "' y='"
           << llvm::format("%.1f", mapTop + r * cell) << "' width='" << llvm::format("%.2f", cell)
           << "' height='" << llvm::format("%.2f", cell) << "' fill='rgb("
           << (kept ? gray / 2 + 60 : gray) << "," << gray << "," << (kept ? gray / 3 : gray)
           << ")'/>\n";
      }
    os << "<rect x='" << x0 << "' y='" << mapTop << "' width='" << mapSize << "' height='"
       << mapSize << "' fill='none' stroke='#333'/>\n";
  }
  if (!examples.empty())
    os << "<text x='" << left << "' y='" << mapTop + mapSize + 24
       << "' fill='#555'>Dense attention (darker: more probability, log scale; queries down, "
          "keys across); tinted: the cells the pattern computes.</text>\n";
  os << "</svg>\n";
  return text;
}

} // namespace ternion::search
