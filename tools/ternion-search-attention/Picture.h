//===- Picture.h - an SVG of the searched patterns --------------*- C++ -*-===//
//
// One picture of a search: a grid of layers x heads coloured by the chosen
// pattern with its output recall and density, and the dense attention maps
// of a few heads with the blocks their pattern computes outlined.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_TOOLS_SEARCHATTENTION_PICTURE_H
#define TERNION_TOOLS_SEARCHATTENTION_PICTURE_H

#include "PatternSearch.h"

#include <string>

namespace ternion::search {

struct ExampleMap {
  int64_t layer, head;
  HeadPattern pattern;
  /// Dense attention pooled to cells x cells (pooledAttention), and which
  /// cells the pattern computes for every query block (1) or not (0).
  std::vector<float> attention;
  std::vector<uint8_t> kept;
  int64_t cells;
};

std::string renderSvg(const PatternFile &file, const std::vector<ExampleMap> &examples,
                      const std::string &title);

/// Which of cells x cells a pattern's index computes (a cell counts when
/// any of its keys is computed for any of its queries).
std::vector<uint8_t> keptCells(const PatternIndex &index, int64_t queries, int64_t keys,
                               int64_t cells);

} // namespace ternion::search

#endif // TERNION_TOOLS_SEARCHATTENTION_PICTURE_H
