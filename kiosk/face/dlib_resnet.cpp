// dlib's ResNet face embedder, filled from face-api's TensorFlow.js tensors. One of the two files that
// include dlib (the other is dlib_detector.cpp); everything else sees only resnet_embedder.h.
//
// [SECTION] Network definition (dlib's examples/dnn_face_recognition_ex.cpp)
// [SECTION] TensorFlow.js weight reader
// [SECTION] Filling the layers
// [SECTION] Embedder
#include <opencv2/imgproc.hpp>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wold-style-cast"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wnull-dereference"
#pragma GCC diagnostic ignored "-Wcast-align"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Woverloaded-virtual"
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#endif
#include <dlib/dnn.h>
#include <dlib/image_processing.h>
#include <dlib/opencv/cv_image.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <map>
#include <type_traits>
#include <vector>

#include "kiosk/face/resnet_embedder.h"

namespace uk::face {
namespace {

// [SECTION] Network definition (dlib's examples/dnn_face_recognition_ex.cpp)
// clang-format off
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual = dlib::add_prev1<block<N, BN, 1, dlib::tag1<SUBNET>>>;
template <template <int, template <typename> class, int, typename> class block, int N,
          template <typename> class BN, typename SUBNET>
using residual_down = dlib::add_prev2<dlib::avg_pool<2, 2, 2, 2, dlib::skip1<dlib::tag2<block<N, BN, 2, dlib::tag1<SUBNET>>>>>>;
template <int N, template <typename> class BN, int stride, typename SUBNET>
using block = BN<dlib::con<N, 3, 3, 1, 1, dlib::relu<BN<dlib::con<N, 3, 3, stride, stride, SUBNET>>>>>;
template <int N, typename SUBNET> using ares = dlib::relu<residual<block, N, dlib::affine, SUBNET>>;
template <int N, typename SUBNET> using ares_down = dlib::relu<residual_down<block, N, dlib::affine, SUBNET>>;
template <typename SUBNET> using alevel0 = ares_down<256, SUBNET>;
template <typename SUBNET> using alevel1 = ares<256, ares<256, ares_down<256, SUBNET>>>;
template <typename SUBNET> using alevel2 = ares<128, ares<128, ares_down<128, SUBNET>>>;
template <typename SUBNET> using alevel3 = ares<64, ares<64, ares<64, ares_down<64, SUBNET>>>>;
template <typename SUBNET> using alevel4 = ares<32, ares<32, ares<32, SUBNET>>>;
using anet_type = dlib::loss_metric<dlib::fc_no_bias<128, dlib::avg_pool_everything<
    alevel0<alevel1<alevel2<alevel3<alevel4<
    dlib::max_pool<3, 3, 2, 2, dlib::relu<dlib::affine<dlib::con<32, 7, 7, 2, 2,
    dlib::input_rgb_image_sized<150>>>>>>>>>>>>>;
// clang-format on

template <class T>
struct is_con : std::false_type {};
template <long N, long R, long C, int SY, int SX, int PY, int PX>
struct is_con<dlib::con_<N, R, C, SY, SX, PY, PX>> : std::true_type {};
template <class T>
struct is_fc : std::false_type {};
template <unsigned long N, dlib::fc_bias_mode M>
struct is_fc<dlib::fc_<N, M>> : std::true_type {};

// [SECTION] TensorFlow.js weight reader
struct TfTensor {
    std::vector<long> shape;
    std::vector<float> data;
};

Result<std::map<std::string, TfTensor>> read_tfjs(const std::string& dir) {
    const std::string manifest_path = dir + "/face_recognition_model-weights_manifest.json";
    std::ifstream mf(manifest_path);
    if (!mf)
        return Error{"ResNet manifest not found: " + manifest_path + " (run scripts/setup.d/10-models.sh)"};
    nlohmann::json manifest;
    try {
        manifest = nlohmann::json::parse(mf);
    } catch (const std::exception& e) {
        return Error{"ResNet manifest is not valid JSON: " + manifest_path + ": " + e.what()};
    }
    std::map<std::string, TfTensor> out;
    try {
        for (const auto& group : manifest) {
            std::vector<char> bytes;
            for (const auto& p : group.at("paths")) {
                const std::string bin_path = dir + "/" + p.get<std::string>();
                std::ifstream bf(bin_path, std::ios::binary);
                if (!bf) return Error{"ResNet weights not found: " + bin_path};
                bytes.insert(bytes.end(), std::istreambuf_iterator<char>(bf),
                             std::istreambuf_iterator<char>());
            }
            std::size_t off = 0;
            for (const auto& w : group.at("weights")) {
                TfTensor t;
                std::size_t count = 1;
                for (const auto& d : w.at("shape")) {
                    t.shape.push_back(d.get<long>());
                    count *= static_cast<std::size_t>(d.get<long>());
                }
                t.data.resize(count);
                const std::string name = w.at("name").get<std::string>();
                if (w.contains("quantization")) {
                    const auto& q = w.at("quantization");
                    if (q.at("dtype").get<std::string>() != "uint8") {
                        return Error{"ResNet tensor " + name + ": unsupported quantization " + q.dump()};
                    }
                    const double scale = q.at("scale").get<double>();
                    const double min = q.at("min").get<double>();
                    if (off + count > bytes.size())
                        return Error{"ResNet weights truncated at tensor " + name};
                    for (std::size_t i = 0; i < count; ++i) {
                        t.data[i] =
                            static_cast<float>(static_cast<unsigned char>(bytes[off + i]) * scale + min);
                    }
                    off += count;
                } else {
                    if (w.at("dtype").get<std::string>() != "float32") {
                        return Error{"ResNet tensor " + name + ": unsupported dtype"};
                    }
                    if (off + 4 * count > bytes.size())
                        return Error{"ResNet weights truncated at tensor " + name};
                    std::memcpy(t.data.data(), bytes.data() + off, 4 * count);
                    off += 4 * count;
                }
                out.emplace(name, std::move(t));
            }
            if (off != bytes.size()) {
                return Error{"ResNet weights file has " + std::to_string(bytes.size() - off) +
                             " bytes the manifest does not describe"};
            }
        }
    } catch (const nlohmann::json::exception& e) {
        return Error{"ResNet manifest " + manifest_path + " is malformed: " + e.what()};
    }
    return out;
}

// [SECTION] Filling the layers
struct LayerRefs {
    std::vector<dlib::tensor*> cons;  // input -> output
    std::vector<dlib::affine_*> affines;
    dlib::tensor* fc = nullptr;
};

Result<bool> fill_con(dlib::tensor& params, const TfTensor& filters, const TfTensor& bias,
                      const std::string& name) {
    if (filters.shape.size() != 4) return Error{"ResNet tensor " + name + "/filters is not 4-D"};
    const long H = filters.shape[0], W = filters.shape[1], I = filters.shape[2], O = filters.shape[3];
    if (static_cast<long>(params.size()) != H * W * I * O + O || static_cast<long>(bias.data.size()) != O) {
        return Error{"ResNet tensor " + name + " does not fit dlib's layer (" +
                     std::to_string(params.size()) + " parameters)"};
    }
    float* p = params.host();
    // dlib: filters [O][I][H][W] then biases [O]; TensorFlow.js: [H][W][I][O].
    for (long o = 0; o < O; ++o)
        for (long i = 0; i < I; ++i)
            for (long y = 0; y < H; ++y)
                for (long x = 0; x < W; ++x)
                    p[((o * I + i) * H + y) * W + x] = filters.data[((y * W + x) * I + i) * O + o];
    for (long o = 0; o < O; ++o)
        p[H * W * I * O + o] = bias.data[o];
    return true;
}

Result<bool> fill_affine(dlib::affine_& layer, const TfTensor& weights, const TfTensor& biases,
                         const std::string& name) {
    auto g = layer.get_gamma();
    auto b = layer.get_beta();
    if (g.size() != weights.data.size() || b.size() != biases.data.size()) {
        return Error{"ResNet tensor " + name + "/scale does not fit dlib's affine layer"};
    }
    std::copy(weights.data.begin(), weights.data.end(), g.host());
    std::copy(biases.data.begin(), biases.data.end(), b.host());
    return true;
}

Result<bool> fill_network(anet_type& net, const std::map<std::string, TfTensor>& t) {
    // Affine layers must be per-channel (CONV_MODE) before the first forward pass allocates them.
    dlib::visit_computational_layers(net, [](auto& l) {
        if constexpr (std::is_same_v<std::decay_t<decltype(l)>, dlib::affine_>)
            l = dlib::affine_(dlib::CONV_MODE);
    });
    dlib::matrix<dlib::rgb_pixel> dummy(150, 150);
    dlib::assign_all_pixels(dummy, dlib::rgb_pixel(0, 0, 0));
    net(dummy);  // allocates every parameter tensor

    LayerRefs refs;
    dlib::visit_computational_layers(net, [&](auto& l) {
        using T = std::decay_t<decltype(l)>;
        if constexpr (is_con<T>::value) refs.cons.push_back(&l.get_layer_params());
        if constexpr (std::is_same_v<T, dlib::affine_>) refs.affines.push_back(&l);
        if constexpr (is_fc<T>::value) refs.fc = &l.get_layer_params();
    });
    std::reverse(refs.cons.begin(), refs.cons.end());  // visited output -> input
    std::reverse(refs.affines.begin(), refs.affines.end());

    std::vector<std::string> units = {"conv32_down"};
    for (const char* blk : {"conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2",
                            "conv64_3", "conv128_down", "conv128_1", "conv128_2", "conv256_down", "conv256_1",
                            "conv256_2", "conv256_down_out"}) {
        units.push_back(std::string(blk) + "/conv1");
        units.push_back(std::string(blk) + "/conv2");
    }
    if (refs.cons.size() != units.size() || refs.affines.size() != units.size() || refs.fc == nullptr) {
        return Error{"internal: dlib network layout does not have the expected 29 conv layers"};
    }
    auto get = [&](const std::string& n) -> const TfTensor* {
        auto it = t.find(n);
        return it == t.end() ? nullptr : &it->second;
    };
    for (std::size_t i = 0; i < units.size(); ++i) {
        const std::string& u = units[i];
        const TfTensor* f = get(u + "/conv/filters");
        const TfTensor* bias = get(u + "/conv/bias");
        const TfTensor* sw = get(u + "/scale/weights");
        const TfTensor* sb = get(u + "/scale/biases");
        if (!f || !bias || !sw || !sb) return Error{"ResNet weights lack a tensor of " + u};
        if (auto r = fill_con(*refs.cons[i], *f, *bias, u); !r) return Error{r.error()};
        if (auto r = fill_affine(*refs.affines[i], *sw, *sb, u); !r) return Error{r.error()};
    }
    const TfTensor* fc = get("fc");
    if (!fc || fc->data.size() != refs.fc->size()) return Error{"ResNet weights lack the 256x128 fc tensor"};
    std::copy(fc->data.begin(), fc->data.end(), refs.fc->host());  // both [256][128], row-major
    return true;
}

}  // namespace

// [SECTION] Embedder
struct ResnetEmbedder::Impl {
    anet_type net;
};

ResnetEmbedder::ResnetEmbedder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ResnetEmbedder::~ResnetEmbedder() = default;

Result<std::unique_ptr<ResnetEmbedder>> ResnetEmbedder::load(const std::string& model_dir) {
    auto tensors = read_tfjs(model_dir);
    if (!tensors) return Error{tensors.error()};
    auto impl = std::make_unique<Impl>();
    try {
        if (auto r = fill_network(impl->net, *tensors); !r) return Error{r.error()};
    } catch (const std::exception& e) {
        return Error{std::string("ResNet set-up failed: ") + e.what()};
    }
    return std::unique_ptr<ResnetEmbedder>(new ResnetEmbedder(std::move(impl)));
}

namespace {
Embedding run(anet_type& net, dlib::matrix<dlib::rgb_pixel>& chip) {
    dlib::matrix<float, 0, 1> d = net(chip);
    std::vector<float> v(d.begin(), d.end());
    dlib::assign_all_pixels(chip, dlib::rgb_pixel(0, 0, 0));  // wipe the face chip
    d = 0;
    return Embedding(std::move(v));
}
}  // namespace

Result<Embedding> ResnetEmbedder::embed(const cv::Mat& bgr, const FaceDetection& face) {
    if (bgr.empty() || bgr.type() != CV_8UC3) return Error{"ResNet embedder needs a BGR 8-bit image"};
    try {
        cv::Mat cont = bgr.isContinuous() ? bgr : bgr.clone();
        dlib::cv_image<dlib::bgr_pixel> img(cont);
        std::vector<dlib::point> parts;
        parts.reserve(68);
        for (const auto& p : face.landmarks)
            parts.emplace_back(std::lround(p.x), std::lround(p.y));
        const dlib::rectangle rect(std::lround(face.box.x), std::lround(face.box.y),
                                   std::lround(face.box.x + face.box.width),
                                   std::lround(face.box.y + face.box.height));
        dlib::full_object_detection shape(rect, parts);
        dlib::matrix<dlib::rgb_pixel> chip;
        dlib::extract_image_chip(img, dlib::get_face_chip_details(shape, 150, 0.25), chip);
        return run(impl_->net, chip);
    } catch (const std::exception& e) {
        return Error{std::string("ResNet embedding failed: ") + e.what()};
    }
}

Result<Embedding> ResnetEmbedder::embed_whole_image(const cv::Mat& bgr) {
    if (bgr.empty() || bgr.type() != CV_8UC3) return Error{"ResNet embedder needs a BGR 8-bit image"};
    const int side = std::max(bgr.cols, bgr.rows);
    cv::Mat square(side, side, CV_8UC3, cv::Scalar::all(0));
    bgr.copyTo(square(cv::Rect((side - bgr.cols) / 2, (side - bgr.rows) / 2, bgr.cols, bgr.rows)));
    cv::Mat small, rgb;
    cv::resize(square, small, cv::Size(150, 150), 0, 0, cv::INTER_LINEAR);
    cv::cvtColor(small, rgb, cv::COLOR_BGR2RGB);
    dlib::matrix<dlib::rgb_pixel> chip(150, 150);
    for (int y = 0; y < 150; ++y)
        for (int x = 0; x < 150; ++x) {
            const auto& px = rgb.at<cv::Vec3b>(y, x);
            chip(y, x) = dlib::rgb_pixel(px[0], px[1], px[2]);
        }
    square.setTo(cv::Scalar::all(0));
    rgb.setTo(cv::Scalar::all(0));
    small.setTo(cv::Scalar::all(0));
    try {
        return run(impl_->net, chip);
    } catch (const std::exception& e) {
        return Error{std::string("ResNet embedding failed: ") + e.what()};
    }
}

}  // namespace uk::face
