// The consented-information viewer page (reception/qualification/web/), embedded so the reception serves it
// without files on disk. CMake writes the texts into <build>/reception/qualification/web_assets.cpp at
// configure time (re-run when a file in web/ changes).
#pragma once

namespace uk::qualification {

extern const char* const kViewerHtml;
extern const char* const kViewerJs;
extern const char* const kViewerCss;

}  // namespace uk::qualification
