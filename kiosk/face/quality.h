// Quality gating: decides from one frame and its detections whether the face is fit to verify, and if not,
// the single most useful instruction for the patient (Guidance). Thresholds are options with measured
// defaults (docs/face.md). Pure function of its inputs; thread-safe.
#pragma once

#include <opencv2/core.hpp>

#include <vector>

#include "kiosk/face/types.h"

namespace uk::face {

struct QualityOptions {
    double several_faces_area = 0.25;  // a second face at least this fraction of the largest one's area
    double min_eye_distance = 0.07;    // eye distance / frame width below this: too far
    double max_face_width = 0.62;      // face box width / frame width above this: too close
    double max_centre_offset = 0.25;   // |face centre - frame centre| / frame size above this: off centre
    double max_yaw = 0.45;             // |yaw_ratio| above this: turned away
    double min_pitch = 0.25, max_pitch = 0.85;
    double min_brightness = 55.0;  // mean grey level of the face box
    double max_brightness = 215.0;
    double min_sharpness = 60.0;     // variance of the Laplacian of the face resized to 128 px wide
    double min_ear = 0.16;           // eye aspect ratio below this: eyes closed
    double max_eye_darkness = 0.22;  // eye region / cheek brightness below this: sunglasses
    // Mask: the mouth region without the texture of a mouth and far in colour from the cheeks. OFF by default
    // (0): without real masked faces to measure on, it flagged MJPEG-compressed frames; set e.g. 0.18 and 38.
    double mask_texture_ratio = 0.0;
    double mask_colour_distance = 38.0;
};

struct QualityReport {
    Guidance guidance = Guidance::NoFace;
    int faces = 0;
    double eye_distance = 0, face_width = 0, centre_offset = 0, yaw = 0, pitch = 0;
    double brightness = 0, sharpness = 0, ear = 0, eye_darkness = 1, mouth_texture = 1, mouth_colour = 0;
};

// `faces` as FaceFinder::detect returns them (largest first).
QualityReport assess_quality(const cv::Mat& bgr, const std::vector<FaceDetection>& faces,
                             const QualityOptions& options = {});

}  // namespace uk::face
