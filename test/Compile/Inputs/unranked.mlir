// Input of ../errors.test: the runtime binds ranked tensors only.
func.func @main(%x: tensor<*xf32>) -> tensor<*xf32> {
  %y = tern.relu %x : (tensor<*xf32>) -> tensor<*xf32>
  return %y : tensor<*xf32>
}
