// Input of ../flash-attention.test: tern.attention with dynamic query and
// key lengths, grouped-query heads (4 query heads over 2 kv heads).
func.func @causal(%q: tensor<1x4x?x16xf32> {tern.name = "q"}, %k: tensor<1x2x?x16xf32> {tern.name = "k"},
                  %v: tensor<1x2x?x8xf32> {tern.name = "v"}) -> (tensor<1x4x?x8xf32> {tern.name = "y"}) {
  %y = tern.attention %q, %k, %v {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}
func.func @masked(%q: tensor<1x4x?x16xf32> {tern.name = "q"}, %k: tensor<1x2x?x16xf32> {tern.name = "k"},
                  %v: tensor<1x2x?x8xf32> {tern.name = "v"}, %mask: tensor<1x1x?x?xf32> {tern.name = "mask"}) -> (tensor<1x4x?x8xf32> {tern.name = "y"}) {
  %y = tern.attention %q, %k, %v mask %mask {scale = 0.25 : f32, causal = true} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}
func.func @mask_only(%q: tensor<1x4x?x16xf32> {tern.name = "q"}, %k: tensor<1x2x?x16xf32> {tern.name = "k"},
                     %v: tensor<1x2x?x8xf32> {tern.name = "v"}, %mask: tensor<1x1x?x?xf32> {tern.name = "mask"}) -> (tensor<1x4x?x8xf32> {tern.name = "y"}) {
  %y = tern.attention %q, %k, %v mask %mask {scale = 0.25 : f32} : (tensor<1x4x?x16xf32>, tensor<1x2x?x16xf32>, tensor<1x2x?x8xf32>, tensor<1x1x?x?xf32>) -> tensor<1x4x?x8xf32>
  return %y : tensor<1x4x?x8xf32>
}
func.func @mask_batched(%q: tensor<2x4x?x16xf32> {tern.name = "q"}, %k: tensor<2x2x?x16xf32> {tern.name = "k"},
                        %v: tensor<2x2x?x8xf32> {tern.name = "v"}, %mask: tensor<2x4x?x?xf32> {tern.name = "mask"}) -> (tensor<2x4x?x8xf32> {tern.name = "y"}) {
  %y = tern.attention %q, %k, %v mask %mask {scale = 0.25 : f32} : (tensor<2x4x?x16xf32>, tensor<2x2x?x16xf32>, tensor<2x2x?x8xf32>, tensor<2x4x?x?xf32>) -> tensor<2x4x?x8xf32>
  return %y : tensor<2x4x?x8xf32>
}
