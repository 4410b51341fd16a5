// e^x of four f32 lanes, bit for bit what Mathf.exp (AssemblyScript's expf_lut, from ARM's optimized
// routines) returns for each lane: the same f64 operations in the same order (two lanes per f64x2,
// no fused multiply-add), the same 32-entry table. Lanes outside its plain path (|x| >= 88, NaN,
// infinities) are handed to Mathf.exp itself. Used for the softmax, where exp was most of a letter run.

// exp2f_data_tab[i] = uint(2^(i/32)) - (i << 47), as in AssemblyScript's std/assembly/util/math.ts.
// @ts-ignore: decorator
@lazy const TABLE = memory.data<u64>([
  0x3FF0000000000000, 0x3FEFD9B0D3158574, 0x3FEFB5586CF9890F, 0x3FEF9301D0125B51,
  0x3FEF72B83C7D517B, 0x3FEF54873168B9AA, 0x3FEF387A6E756238, 0x3FEF1E9DF51FDEE1,
  0x3FEF06FE0A31B715, 0x3FEEF1A7373AA9CB, 0x3FEEDEA64C123422, 0x3FEECE086061892D,
  0x3FEEBFDAD5362A27, 0x3FEEB42B569D4F82, 0x3FEEAB07DD485429, 0x3FEEA47EB03A5585,
  0x3FEEA09E667F3BCD, 0x3FEE9F75E8EC5F74, 0x3FEEA11473EB0187, 0x3FEEA589994CCE13,
  0x3FEEACE5422AA0DB, 0x3FEEB737B0CDC5E5, 0x3FEEC49182A3F090, 0x3FEED503B23E255D,
  0x3FEEE89F995AD3AD, 0x3FEEFF76F2FB5E47, 0x3FEF199BDD85529C, 0x3FEF3720DCEF9069,
  0x3FEF5818DCFBA487, 0x3FEF7C97337B9B5F, 0x3FEFA4AFA2A490DA, 0x3FEFD0765B6E4540,
]);

/** [e^x0, e^x1, e^x2, e^x3], each equal to Mathf.exp of its lane. */
// @ts-ignore: decorator
@inline
export function expf4(x: v128): v128 {
  // Lanes whose exponent field is >= 0x42B (|x| >= 88, NaN, infinities) take Mathf.exp's special cases.
  const field = v128.and(i32x4.shr_u(x, 20), i32x4.splat(0x7ff));
  if (v128.any_true(i32x4.ge_u(field, i32x4.splat(0x42b)))) {
    return f32x4(
      Mathf.exp(f32x4.extract_lane(x, 0)),
      Mathf.exp(f32x4.extract_lane(x, 1)),
      Mathf.exp(f32x4.extract_lane(x, 2)),
      Mathf.exp(f32x4.extract_lane(x, 3)),
    );
  }
  const low = expf2(f64x2.promote_low_f32x4(x));
  const high = expf2(f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 2, 3)));
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

// expf_lut's plain path on two f64 lanes.
// @ts-ignore: decorator
@inline
function expf2(xd: v128): v128 {
  const shift = f64x2.splat(reinterpret<f64>(0x4338000000000000));
  const c0 = f64x2.splat(reinterpret<f64>(0x3fac6af84b912394) / 32 / 32 / 32);
  const c1 = f64x2.splat(reinterpret<f64>(0x3fcebfce50fac4f3) / 32 / 32);
  const c2 = f64x2.splat(reinterpret<f64>(0x3fe62e42ff0c52d6) / 32);
  const z = f64x2.mul(f64x2.splat(reinterpret<f64>(0x3ff71547652b82fe) * 32), xd);
  const kd = f64x2.add(z, shift);
  const r = f64x2.sub(z, f64x2.sub(kd, shift));
  const t0 = load<u64>(TABLE + ((<usize>i64x2.extract_lane(kd, 0) & 31) << 3));
  const t1 = load<u64>(TABLE + ((<usize>i64x2.extract_lane(kd, 1) & 31) << 3));
  const s = i64x2.add(i64x2(t0, t1), i64x2.shl(kd, 47));
  const zc = f64x2.add(f64x2.mul(c0, r), c1);
  let y = f64x2.add(f64x2.mul(c2, r), f64x2.splat(1));
  y = f64x2.add(y, f64x2.mul(zc, f64x2.mul(r, r)));
  return f64x2.mul(y, s);
}
