"""Exercise checkers, one module per notebook. Each returns a :class:`Feedback` that a notebook
displays at once: what is right or wrong, and a hint for the next step (never the whole answer).
``Feedback.passed`` tells tests the verdict. An exercise left as ``None`` gets a "not answered
yet" message instead of an error. Notebooks call them as ``checks.check_...``.
"""
from course_utils.checks.feedback import Feedback
from course_utils.checks.ae_basics import check_compression_ratio, check_prepare_images
from course_utils.checks.building import SMALL_DECODER_PARAMS, SMALL_ENCODER_PARAMS, check_small_autoencoder, check_small_encoder
from course_utils.checks.training import (SMALL_CODE_TRAINED_MSE, WIDE_TRAINED_VAL, check_small_code_training,
                                         check_test_errors, check_wider_candidate)
from course_utils.checks.reconstructions import check_class_median_errors, check_error_model, check_worst_of_digit
from course_utils.checks.latent_2d import RELU_2D_MIN_KNN, check_centroids, check_nearest_centroid_accuracy, check_relu_2d_encoder
from course_utils.checks.features import check_balanced_subset, check_best_input, check_code_features
from course_utils.checks.pca import check_code_size_autoencoder, check_pca_error, check_per_pixel_mse
from course_utils.checks.vae import VAE4_KL_RANGE, VAE4_MAX_RECONSTRUCTION, check_kl_function, check_sampling, check_vae_4d
from course_utils.checks.conv_denoise import CONV16_MAX_ERROR, check_conv_autoencoder, check_salt_and_pepper
from course_utils.checks.anomaly import (check_caught_share, check_one_class_model, check_strict_threshold,
                                        check_threshold)
from course_utils.checks.explorer import check_circle, check_path_model
from course_utils.checks.neighbour_map import SMALL_MAP_5NN, check_fuzzy_cross_entropy, check_small_map, fuzzy_cross_entropy
from course_utils.checks.vq import check_nearest_codes, check_perplexity
from course_utils.checks.masked import check_fill_masked, check_patchify
from course_utils.checks.sparse import check_batch_top_k, check_sparsity_stats
