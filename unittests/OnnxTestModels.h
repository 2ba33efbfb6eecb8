//===- OnnxTestModels.h - ModelProtos built in memory -----------*- C++ -*-===//
//
// The importer tests build their models directly (no files): a one-input
// graph to which each test adds the nodes and initializers it needs.
//
//===----------------------------------------------------------------------===//
#ifndef TERNION_UNITTESTS_ONNXTESTMODELS_H
#define TERNION_UNITTESTS_ONNXTESTMODELS_H

#include <initializer_list>

#include <onnx/onnx_pb.h>

namespace ternion::testing {

/// Opset 17, graph "g", input x: f32[4], output y (left for a node to make).
inline onnx::ModelProto baseModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  auto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(17);
  auto *graph = model.mutable_graph();
  graph->set_name("g");
  auto *input = graph->add_input();
  input->set_name("x");
  auto *tensor = input->mutable_type()->mutable_tensor_type();
  tensor->set_elem_type(onnx::TensorProto::FLOAT);
  tensor->mutable_shape()->add_dim()->set_dim_value(4);
  auto *output = graph->add_output();
  output->set_name("y");
  return model;
}

inline onnx::NodeProto *addNode(onnx::ModelProto &model, const char *op, const char *name,
                                std::initializer_list<const char *> inputs,
                                std::initializer_list<const char *> outputs) {
  auto *node = model.mutable_graph()->add_node();
  node->set_op_type(op);
  node->set_name(name);
  for (const char *i : inputs)
    node->add_input(i);
  for (const char *o : outputs)
    node->add_output(o);
  return node;
}

} // namespace ternion::testing

#endif // TERNION_UNITTESTS_ONNXTESTMODELS_H
