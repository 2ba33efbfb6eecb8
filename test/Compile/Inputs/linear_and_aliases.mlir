// Input of ../compile-run.test and ../emit-stages.test: a tern.linear whose
// 128-byte weight goes to weights.bin, and outputs that alias the weight and
// the input (the ABI needs them copied into fresh buffers).
func.func @main(%x: tensor<?x8xf32> {tern.name = "x", tern.dim_params = ["batch", ""]}) -> (tensor<?x4xf32> {tern.name = "y"}, tensor<4x8xf32> {tern.name = "w"}, tensor<?x8xf32> {tern.name = "same"}) {
  %w = tern.constant dense<[[0.00, 0.25, 0.50, 0.75, 1.00, 1.25, 1.50, 1.75], [2.00, 2.25, 2.50, 2.75, 3.00, 3.25, 3.50, 3.75], [4.00, 4.25, 4.50, 4.75, 5.00, 5.25, 5.50, 5.75], [6.00, 6.25, 6.50, 6.75, 7.00, 7.25, 7.50, 7.75]]> : tensor<4x8xf32>
  %y = tern.linear %x, %w : (tensor<?x8xf32>, tensor<4x8xf32>) -> tensor<?x4xf32>
  return %y, %w, %x : tensor<?x4xf32>, tensor<4x8xf32>, tensor<?x8xf32>
}
