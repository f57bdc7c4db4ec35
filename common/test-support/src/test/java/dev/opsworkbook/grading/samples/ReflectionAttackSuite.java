package dev.opsworkbook.grading.samples;

class ReflectionAttackSuite extends AttackSuite {
    @Override
    void attack() {
        Forgery.forgeThroughTheListener();
    }
}
