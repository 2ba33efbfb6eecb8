// Input of ../lower-to-llvm-run.test.
func.func @model(%x: tensor<?x4xf32>, %y: tensor<4xf32>) -> tensor<?x3xf32> attributes {llvm.emit_c_interface} {
  %w = tern.constant dense<[[1.0, 2.0, 3.0, 4.0], [0.5, 0.5, 0.5, 0.5], [-1.0, 0.0, 1.0, 0.0]]> : tensor<3x4xf32>
  %a = tern.add %x, %y : (tensor<?x4xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  %r = tern.relu %a : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %l = tern.linear %r, %w : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  %s = tern.sigmoid %l : (tensor<?x3xf32>) -> tensor<?x3xf32>
  return %s : tensor<?x3xf32>
}
