/**
 * ONNX models in the project's own terms ({@link org.quantscope.core.onnx.OnnxModel}, layers, tensors) and the one
 * owner of ONNX Runtime sessions ({@link org.quantscope.core.onnx.InferenceSession}). ONNX Runtime and protobuf types
 * do not leave this package.
 */
package org.quantscope.core.onnx;
