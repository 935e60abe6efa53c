"""The customer's rating screen: five faces, optional reasons, thanks, then an idle screen.

A separate top-level window for the monitor (or tablet) that faces the customer at the counter,
or the rep's own screen turned around. It shows the brand's name and colours and one question in
the *customer's* language, never the rep's: every text comes from the customer's catalog
(``load_catalog``), not from ``_()``. It is given only a :class:`ScreenSetup` (no name, no
account) and forgets it when it goes back to idle, where it shows nothing at all.

Keys: 1-5 pick a face (on the reasons page they tick the reasons), Enter picks the focused face
or sends, Esc cancels the question (nothing is saved) or skips the reasons (the score is saved).
No answer within the brand's timeout: back to idle, keeping a score already given.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QAbstractButton,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from deskapp.core.i18n import N_, load_catalog
from deskapp.core.services.surveys.answers import REASONS, ScreenSetup

QUESTION = N_("How satisfied are you with the service you received today?")
FACE_WORDS = (N_("Very dissatisfied"), N_("Dissatisfied"), N_("Neither satisfied nor dissatisfied"),
              N_("Satisfied"), N_("Very satisfied"))
REASONS_TITLE = N_("What mattered most? Choose any, or none.")
SEND = N_("Send")
SKIP = N_("Skip")
THANKS = N_("Thank you for your feedback!")
FACES_NAME = N_("Rate the service from 1 to 5")
REASONS_NAME = N_("Reasons (optional)")
THANKS_MS = 4000
IDLE_BACKGROUND = "#202020"
_FACE_COLOURS = ("#c62828", "#ef6c00", "#f9a825", "#7cb342", "#2e7d32")
IDLE, QUESTION_PAGE, REASONS_PAGE, THANKS_PAGE = range(4)


class FaceButton(QAbstractButton):
    """One large face (1 sad … 5 happy) with its word under it; painted, so no emoji font is needed."""

    def __init__(self, score: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.score = score
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setMinimumSize(120, 150)

    def sizeHint(self) -> QSize:
        return QSize(170, 210)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = QFont(self.font())
        font.setPointSize(15)
        painter.setFont(font)
        word_height = max(painter.fontMetrics().height() * 3, 48)
        side = min(self.width() - 12, self.height() - word_height - 12)
        face = QRectF((self.width() - side) / 2, 6, side, side)
        colour = QColor(_FACE_COLOURS[self.score - 1])
        painter.setPen(QPen(QColor("#ffffff"), 6 if self.hasFocus() or self.underMouse() else 2))
        painter.setBrush(colour)
        painter.drawEllipse(face)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#1b1b1b"))
        eye = side * 0.08
        for x in (0.35, 0.65):
            painter.drawEllipse(QPointF(face.left() + side * x, face.top() + side * 0.38), eye, eye)
        # The mouth bends from a frown (1) through a straight line (3) to a smile (5).
        bend = (self.score - 3) * side * 0.09
        mouth = QPainterPath(QPointF(face.left() + side * 0.28, face.top() + side * 0.68 - bend / 2))
        mouth.quadTo(QPointF(face.center().x(), face.top() + side * 0.68 + bend * 1.5),
                     QPointF(face.left() + side * 0.72, face.top() + side * 0.68 - bend / 2))
        painter.setPen(QPen(QColor("#1b1b1b"), max(side * 0.06, 3), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(mouth)
        painter.setPen(self.palette().windowText().color())
        words = QRectF(0, face.bottom() + 6, self.width(), self.height() - face.bottom() - 6)
        painter.drawText(words, int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
                         | int(Qt.TextFlag.TextWordWrap), f"{self.score}\n{self.text()}")


def _centred_page(page: QWidget, title: QLabel, *rows: QLayout) -> None:
    """A title and rows of controls, a little above the middle of ``page``."""
    layout = QVBoxLayout(page)
    layout.addStretch(1)
    layout.addWidget(title)
    for row in rows:
        layout.addSpacing(28)
        layout.addLayout(row)
    layout.addStretch(2)


class CustomerScreen(QWidget):
    """The full-screen rating window; ``answered`` carries (case id, score, language, reasons)."""

    ms_per_second = 1000  # the brand's timeout is in seconds (tests shorten them)

    answered = Signal(int, int, str, list)
    went_idle = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("customerScreen")
        self.setup: ScreenSetup | None = None
        self.score: int | None = None
        self.hide_when_idle = False  # the rep's own screen: give it back instead of idling
        self._t: Callable[[str], str] = load_catalog("en").gettext
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._timed_out)
        self.pages = QStackedWidget()
        self.brand = QLabel()
        self.brand.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.faces = [FaceButton(score) for score in range(1, 6)]
        self.reasons_title = QLabel()
        self.reasons_title.setWordWrap(True)
        self.reasons_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chips: dict[str, QPushButton] = {}
        self.send, self.skip = QPushButton(), QPushButton()
        self.thanks = QLabel()
        self.thanks.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thanks.setWordWrap(True)
        self._build()
        self.show_idle()

    def _build(self) -> None:
        idle = QWidget()
        idle.setObjectName("idlePage")
        self.faces_page = faces_page = QWidget()
        row = QHBoxLayout()
        row.setSpacing(18)
        for face in self.faces:
            face.clicked.connect(lambda _checked=False, score=face.score: self.choose(score))
            row.addWidget(face)
        _centred_page(faces_page, self.question, row)
        self.reasons_page = reasons_page = QWidget()
        grid = QGridLayout()
        grid.setSpacing(14)
        for at, (code, _label) in enumerate(REASONS):
            chip = QPushButton()
            chip.setCheckable(True)
            chip.setMinimumHeight(64)
            chip.clicked.connect(lambda _checked=False: self._touched())
            grid.addWidget(chip, at // 3, at % 3)
            self.chips[code] = chip
        for column in range(3):
            grid.setColumnStretch(column, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.skip, self.send):
            button.setMinimumSize(180, 64)
            buttons.addWidget(button)
        self.send.clicked.connect(self.send_answer)
        self.skip.clicked.connect(self.skip_reasons)
        _centred_page(reasons_page, self.reasons_title, grid, buttons)
        thanks_page = QWidget()
        QVBoxLayout(thanks_page).addWidget(self.thanks)
        for page in (idle, faces_page, reasons_page, thanks_page):
            self.pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 32, 48, 32)
        layout.addWidget(self.brand)
        layout.addWidget(self.pages, 1)

    # --- what the rep's side asks -----------------------------------------------------------
    def start(self, setup: ScreenSetup) -> None:
        """Ask the question of ``setup`` (a fresh customer: nothing of the one before remains)."""
        self._forget()
        self.setup = setup
        self._t = load_catalog(setup.language).gettext
        self.retranslate_ui()
        self._colours(setup.background, setup.foreground)
        self.brand.setText(setup.brand_name)
        self.pages.setCurrentIndex(QUESTION_PAGE)
        self.timer.start(setup.timeout_seconds * self.ms_per_second)
        self.faces[4].setFocus()

    def show_idle(self) -> None:
        """Nothing about anyone: no brand, no question, no score, no ticks."""
        self.timer.stop()
        self._forget()
        self._colours(IDLE_BACKGROUND, IDLE_BACKGROUND)
        self.pages.setCurrentIndex(IDLE)
        self.went_idle.emit()
        if self.hide_when_idle:
            self.hide()

    def retranslate_ui(self) -> None:
        """Texts in the customer's language (a switch of the rep's language changes nothing here)."""
        t = self._t
        self.question.setText(t(QUESTION))
        for face, word in zip(self.faces, FACE_WORDS, strict=True):
            face.setText(t(word))
            face.setAccessibleName(f"{face.score} – {t(word)}")
        self.reasons_title.setText(t(REASONS_TITLE))
        for code, label in REASONS:
            self.chips[code].setText(t(label))
            self.chips[code].setAccessibleName(t(label))
        self.send.setText(t(SEND))
        self.send.setAccessibleName(t(SEND))
        self.skip.setText(t(SKIP))
        self.skip.setAccessibleName(t(SKIP))
        self.thanks.setText(t(THANKS))
        self.faces_page.setAccessibleName(t(FACES_NAME))
        self.reasons_page.setAccessibleName(t(REASONS_NAME))

    @property
    def page(self) -> int:
        """The page on show: IDLE, QUESTION_PAGE, REASONS_PAGE or THANKS_PAGE."""
        return self.pages.currentIndex()

    # --- the customer's answer --------------------------------------------------------------
    def choose(self, score: int) -> None:
        """The customer picked a face: on to the optional reasons."""
        if self.setup is None or self.page != QUESTION_PAGE:
            return
        self.score = score
        self.pages.setCurrentIndex(REASONS_PAGE)
        self._touched()
        self.send.setFocus()

    def picked_reasons(self) -> list[str]:
        """The reason codes ticked, in the order offered."""
        return [code for code, chip in self.chips.items() if chip.isChecked()]

    def send_answer(self) -> None:
        """Send the score and the reasons ticked, then thank the customer."""
        setup, score = self.setup, self.score
        if setup is None or score is None:
            return
        self.answered.emit(setup.case_id, score, setup.language, self.picked_reasons())
        self.setup = None  # answered once: nothing can send it again
        self.pages.setCurrentIndex(THANKS_PAGE)
        self.timer.start(THANKS_MS * self.ms_per_second // 1000)

    def skip_reasons(self) -> None:
        """Send the score without reasons."""
        for chip in self.chips.values():
            chip.setChecked(False)
        self.send_answer()

    def _touched(self) -> None:
        if self.setup is not None:
            self.timer.start(self.setup.timeout_seconds * self.ms_per_second)

    def _timed_out(self) -> None:
        if self.page == REASONS_PAGE:  # a score was given: keep it, without reasons
            self.skip_reasons()
            return
        self.show_idle()

    def _forget(self) -> None:
        self.setup, self.score = None, None
        self.brand.clear()
        for chip in self.chips.values():
            chip.setChecked(False)

    def _colours(self, background: str, foreground: str) -> None:
        big = QFont(self.font())
        big.setPointSize(26)
        for label in (self.question, self.reasons_title, self.thanks, self.brand):
            label.setFont(big)
        self.setStyleSheet(
            f"#customerScreen {{ background:{background}; }} QLabel, FaceButton {{ color:{foreground}; }}"
            f"QPushButton {{ font-size:20px; padding:10px 18px; border-radius:10px; background:#ffffff;"
            f" color:#1b1b1b; border:3px solid #ffffff; }}"
            f"QPushButton:focus {{ border-color:#ff9800; }}"
            f"QPushButton:checked {{ background:#ffd54f; font-weight:700; }}")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, page = event.key(), self.page
        number = key - Qt.Key.Key_0 if Qt.Key.Key_1 <= key <= Qt.Key.Key_5 else None
        if page == QUESTION_PAGE and number is not None:
            self.choose(number)
        elif page == QUESTION_PAGE and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            focused = next((face for face in self.faces if face.hasFocus()), None)
            if focused is not None:
                self.choose(focused.score)
        elif page == QUESTION_PAGE and key == Qt.Key.Key_Escape:
            self.show_idle()
        elif page == REASONS_PAGE and number is not None:
            chips = list(self.chips.values())
            if number <= len(chips):
                chips[number - 1].toggle()
                self._touched()
        elif page == REASONS_PAGE and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.send_answer()
        elif page == REASONS_PAGE and key == Qt.Key.Key_Escape:
            self.skip_reasons()
        elif page == THANKS_PAGE:
            self.show_idle()
        else:
            super().keyPressEvent(event)
