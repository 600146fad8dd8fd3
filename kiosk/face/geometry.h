// Measures taken from the 68 landmarks: eye aspect ratio (blink), yaw and pitch (head turn), eye distance,
// and the 5 points (eye centres, nose tip, mouth corners) that ArcFace-style alignment uses. Pure functions.
#pragma once

#include <opencv2/core.hpp>

#include <array>

#include "kiosk/face/types.h"

namespace uk::face {

// Eye aspect ratio (Soukupova & Cech 2016): ~0.25-0.35 open, below ~0.15 closed. Mean of both eyes.
double eye_aspect_ratio(const FaceDetection& f);

// Head yaw as a ratio in about [-1, 1]: 0 frontal, > 0 turned towards the patient's LEFT (nose moves to the
// image's right in an unmirrored camera image), < 0 towards the patient's right. |yaw| ~0.35 is a clear turn
// (~30 deg).
double yaw_ratio(const FaceDetection& f);

// Head pitch ratio: nose tip height between the eye line (0) and the mouth line (1); ~0.5-0.6 frontal.
double pitch_ratio(const FaceDetection& f);

double inter_ocular_distance(const FaceDetection& f);  // pixels between the eye centres
cv::Point2f face_centre(const FaceDetection& f);

// ArcFace order: image-left eye centre, image-right eye centre, nose tip, image-left mouth corner,
// image-right one.
std::array<cv::Point2f, 5> five_points(const FaceDetection& f);

}  // namespace uk::face
