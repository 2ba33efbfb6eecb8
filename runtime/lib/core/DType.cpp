//===- DType.cpp - Element types ------------------------------------------===//
#include "ternion/abi.h"
#include "ternion/runtime.h"

#include <cstring>

namespace {
struct DTypeInfo {
  tnx_dtype_t dtype;
  const char *name;
  size_t size;
};

constexpr DTypeInfo DTypes[] = {
    {TNX_DTYPE_F32, TNX_DTYPE_NAME_F32, 4},
    {TNX_DTYPE_F64, TNX_DTYPE_NAME_F64, 8},
    {TNX_DTYPE_F16, TNX_DTYPE_NAME_F16, 2},
    {TNX_DTYPE_BF16, TNX_DTYPE_NAME_BF16, 2},
    {TNX_DTYPE_I8, TNX_DTYPE_NAME_I8, 1},
    {TNX_DTYPE_I16, TNX_DTYPE_NAME_I16, 2},
    {TNX_DTYPE_I32, TNX_DTYPE_NAME_I32, 4},
    {TNX_DTYPE_I64, TNX_DTYPE_NAME_I64, 8},
    {TNX_DTYPE_U8, TNX_DTYPE_NAME_U8, 1},
    {TNX_DTYPE_U16, TNX_DTYPE_NAME_U16, 2},
    {TNX_DTYPE_U32, TNX_DTYPE_NAME_U32, 4},
    {TNX_DTYPE_U64, TNX_DTYPE_NAME_U64, 8},
    {TNX_DTYPE_BOOL, TNX_DTYPE_NAME_BOOL, 1},
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
