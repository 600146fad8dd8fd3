// Vocabulary of the face room (issue 5): a detected face with its 68 landmarks, an embedding that wipes
// itself, and the guidance codes the kiosk screen turns into plain words for the patient.
#pragma once

#include <opencv2/core.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "kiosk/core/secure.h"

namespace uk::face {

// One face in one image: the detector's box and the 68 points of the iBUG 300-W scheme (0-16 jaw, 17-26
// brows, 27-35 nose, 36-41 subject's right eye (image left), 42-47 subject's left eye, 48-67 mouth).
struct FaceDetection {
    cv::Rect2f box;
    std::array<cv::Point2f, 68> landmarks{};
    double detector_score = 0.0;  // HOG detection confidence (higher is surer)
};

// A face template. Never written to disk; the values are wiped when it is destroyed or cleared.
class Embedding {
  public:
    Embedding() = default;
    explicit Embedding(std::vector<float> v) : v_(std::move(v)) {}
    Embedding(const Embedding&) = delete;
    Embedding& operator=(const Embedding&) = delete;
    Embedding(Embedding&& o) noexcept : v_(std::move(o.v_)) { o.v_.clear(); }
    Embedding& operator=(Embedding&& o) noexcept {
        if (this != &o) {
            clear();
            v_ = std::move(o.v_);
            o.v_.clear();
        }
        return *this;
    }
    ~Embedding() { clear(); }

    void clear() {
        if (!v_.empty()) secure_wipe(v_.data(), v_.size() * sizeof(float));
        v_.clear();
    }
    Embedding clone() const { return Embedding(std::vector<float>(v_)); }
    bool empty() const { return v_.empty(); }
    std::size_t size() const { return v_.size(); }
    const std::vector<float>& values() const { return v_; }

  private:
    std::vector<float> v_;
};

// What the patient should do next, worst problem first. The UI maps each to a localized sentence.
enum class Guidance {
    Ok,                 // good frame: hold still
    NoFace,             // カメラの方を向いてください
    SeveralFaces,       // お一人でお願いします
    TooFar,             // もう少し近づいてください
    TooClose,           // 少し離れてください
    OffCentre,          // 顔を枠の中央に
    TurnedAway,         // 正面を向いてください
    TooDark,            // 明るさが足りません
    TooBright,          // 逆光・明るすぎます
    Blurred,            // 動かないでください
    EyesClosed,         // 目を開けてください
    FaceCovered,        // マスク・サングラスを外してください
    CameraUnavailable,  // the camera is gone: staff/PIN fallback
};
inline constexpr std::array kAllGuidance = {Guidance::Ok,
                                            Guidance::NoFace,
                                            Guidance::SeveralFaces,
                                            Guidance::TooFar,
                                            Guidance::TooClose,
                                            Guidance::OffCentre,
                                            Guidance::TurnedAway,
                                            Guidance::TooDark,
                                            Guidance::TooBright,
                                            Guidance::Blurred,
                                            Guidance::EyesClosed,
                                            Guidance::FaceCovered,
                                            Guidance::CameraUnavailable};

// Stable wire/locale-key names ("no_face", ...), used by the UI's message table and the tool's JSON.
std::string_view to_string(Guidance g);
std::optional<Guidance> parse_guidance(std::string_view s);

}  // namespace uk::face
