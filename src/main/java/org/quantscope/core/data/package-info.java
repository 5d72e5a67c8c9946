/**
 * The dataset layer: readers for numpy {@code .npy}/{@code .npz} arrays, IDX files (MNIST style, raw or gzipped)
 * and class-per-subfolder image folders; preprocessing from {@code dataset.json} merged with explicit values;
 * validation of shapes and labels against the model; and calibration subsets. Start at
 * {@link org.quantscope.core.data.DatasetLoader#open(DataSpec, ExpectedInput,
 * org.quantscope.core.util.ProgressListener, org.quantscope.core.util.CancellationToken)}.
 */
package org.quantscope.core.data;
