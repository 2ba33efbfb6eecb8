//===- Device.cpp - Where the buffers of a model live ---------------------===//
#include "device/Device.h"

namespace ternion::runtime {

// Out of line, so that the vtable has one home.
Device::~Device() = default;

} // namespace ternion::runtime
