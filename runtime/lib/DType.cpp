//===- DType.cpp - Element types ------------------------------------------===//
#include "ternion/runtime.h"

#include <cstring>

namespace {
struct DTypeInfo {
  tnx_dtype_t dtype;
  const char *name;
  size_t size;
};

constexpr DTypeInfo DTypes[] = {
    {TNX_DTYPE_F32, "f32", 4},   {TNX_DTYPE_F64, "f64", 8},
    {TNX_DTYPE_F16, "f16", 2},   {TNX_DTYPE_BF16, "bf16", 2},
    {TNX_DTYPE_I8, "i8", 1},     {TNX_DTYPE_I16, "i16", 2},
    {TNX_DTYPE_I32, "i32", 4},   {TNX_DTYPE_I64, "i64", 8},
    {TNX_DTYPE_U8, "u8", 1},     {TNX_DTYPE_U16, "u16", 2},
    {TNX_DTYPE_U32, "u32", 4},   {TNX_DTYPE_U64, "u64", 8},
    {TNX_DTYPE_BOOL, "bool", 1},
};

const DTypeInfo *lookup(tnx_dtype_t dtype) {
  for (const DTypeInfo &info : DTypes)
    if (info.dtype == dtype)
      return &info;
  return nullptr;
}
} // namespace

extern "C" {

const char *tnx_dtype_name(tnx_dtype_t dtype) {
  const DTypeInfo *info = lookup(dtype);
  return info ? info->name : "invalid";
}

size_t tnx_dtype_size(tnx_dtype_t dtype) {
  const DTypeInfo *info = lookup(dtype);
  return info ? info->size : 0;
}

tnx_dtype_t tnx_dtype_from_name(const char *name) {
  if (!name)
    return TNX_DTYPE_INVALID;
  for (const DTypeInfo &info : DTypes)
    if (std::strcmp(info.name, name) == 0)
      return info.dtype;
  return TNX_DTYPE_INVALID;
}

} // extern "C"
