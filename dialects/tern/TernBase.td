//===- TernBase.td - tern dialect definition and op base classes -*- tablegen -*-===//
//
// The tern dialect holds a model graph with ONNX semantics (broadcasting,
// attribute defaults per opset) plus the high-level ops that Ternion's
// optimization passes produce. Every op infers its result types, so the
// importer and the passes never guess shapes, and `tern-infer-shapes` can
// refine `?` dims once shape arithmetic has folded.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_BASE_TD
#define TERN_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def Tern_Dialect : Dialect {
  let name = "tern";
  let cppNamespace = "::ternion::tern";
  let summary = "Transformer graph ops with ONNX semantics and Ternion's high-level ops";
  let description = [{
    Graph ops are imported 1:1 from ONNX nodes and keep ONNX semantics;
    attributes that ONNX moved to inputs over the opsets (axes, split sizes)
    are normalized to attributes at import when they are constant. High-level
    ops (`tern.linear`, `tern.attention`, ...) carry the decisions of the
    optimization passes as attributes.
  }];
  let hasConstantMaterializer = 1;
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 0;
  let extraClassDeclaration = [{
    /// Registers the weight-format attributes (TernAttributes.cpp).
    void registerAttributes();
  }];
}

// Defines isCompatibleReturnTypes (declared by InferTypeOpAdaptorWithIsCompatible)
// once for every tern op: declared result types may be more refined than the
// inferred ones (a `?` may be known from the ONNX file), never incompatible.
def Tern_RefinableResults : NativeOpTrait<"RefinableResults", [], [{}], [{
  bool $cppClass::isCompatibleReturnTypes(::mlir::TypeRange l, ::mlir::TypeRange r) {
    return ::ternion::tern::areCompatibleTensorTypes(l, r);
  }
}]> {
  let cppNamespace = "::ternion::tern";
}

// All tern ops are side-effect free and infer their result types.
class Tern_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tern_Dialect, mnemonic,
         !listconcat([Pure, InferTypeOpAdaptorWithIsCompatible,
                      Tern_RefinableResults], traits)>;

def Tern_Tensor : AnyTypeOf<[AnyRankedTensor, AnyUnrankedTensor], "tensor">;
def Tern_FloatTensor : TensorOf<[AnyFloat]>;
def Tern_IndexTensor : TensorOf<[I32, I64]>;
def Tern_BoolTensor : TensorOf<[I1]>;

// Elementwise ops with ONNX multidirectional (numpy) broadcasting.
class Tern_BroadcastBinaryOp<string mnemonic, string desc,
                             list<Trait> traits = []>
    : Tern_Op<mnemonic, traits> {
  let summary = desc;
  let description = "`" # mnemonic # "` with ONNX multidirectional broadcasting.";
  let arguments = (ins Tern_Tensor:$lhs, Tern_Tensor:$rhs);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

class Tern_UnaryOp<string mnemonic, string desc, list<Trait> traits = []>
    : Tern_Op<mnemonic, traits> {
  let summary = desc;
  let arguments = (ins Tern_Tensor:$input);
  let results = (outs Tern_Tensor:$output);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // TERN_BASE_TD
